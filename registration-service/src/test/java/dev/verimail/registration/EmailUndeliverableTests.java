package dev.verimail.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.verimail.events.Event;
import dev.verimail.events.Topics;
import dev.verimail.events.registration.RegistrationExpired;
import dev.verimail.events.registration.RegistrationTopicEvent;
import dev.verimail.events.registration.UserRegistered;
import dev.verimail.events.registration.VerificationReissued;
import dev.verimail.events.verification.EmailUndeliverable;
import dev.verimail.events.verification.EmailVerified;
import dev.verimail.outbox.CloudEventRecords;
import dev.verimail.outbox.EventJson;
import dev.verimail.testbed.ServiceTest;
import dev.verimail.testbed.TestHttp;
import dev.verimail.testbed.TopicReader;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The mailer's {@code EmailUndeliverable} on {@code verification-events}, published to the test's broker as the
 * mailer's relay publishes it: a PENDING user's current link that bounced makes the user UNDELIVERABLE (the public
 * status says so), replays and reports about an earlier link or another address change nothing, a VERIFIED user stays
 * VERIFIED, a record claiming another producer is dead-lettered; then a resend or a new sign-up for the address works.
 * Per-address limit 3 emails a day, so the fourth sign-up of one bouncing address is refused.
 */
@ServiceTest(properties = "registration.limits.per-email=3/24h")
class EmailUndeliverableTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String MAILER_SOURCE = "/verimail/mailer-service";
    private static final String VERIFICATION_SOURCE = "/verimail/verification-service";

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate db;

    @Autowired
    PlatformTransactionManager transactions;

    @Autowired
    MeterRegistry meters;

    @Value("${spring.kafka.bootstrap-servers}")
    String bootstrapServers;

    static TopicReader registrationEvents;

    TestHttp http;
    KafkaProducer<String, String> producer;

    @BeforeEach
    void setUp() {
        http = TestHttp.localhost(port);
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
                new StringSerializer(), new StringSerializer());
        if (registrationEvents == null) {
            registrationEvents = TopicReader.fromBeginning(bootstrapServers, Topics.REGISTRATION_EVENTS);
        }
    }

    @AfterEach
    void tearDown() {
        producer.close();
    }

    @AfterAll
    static void closeReader() {
        if (registrationEvents != null) {
            registrationEvents.close();
            registrationEvents = null;
        }
    }

    @Test
    void aBounceOfThePendingUsersLinkMakesItUndeliverableOnceAndTheStatusSaysSo() throws Exception {
        long id = register("bounces@example.com");
        UserRegistered registered = challenge(id, UserRegistered.class);
        Instant reportedAt = Instant.parse("2026-11-24T08:00:00.123456Z");
        EmailUndeliverable event = new EmailUndeliverable(UUID.randomUUID(), reportedAt, id, "bounces@example.com",
                registered.eventId(), EmailUndeliverable.Reason.INVALID, "invalid", 406);
        double before = undeliverableCount("INVALID");

        publish(event, MAILER_SOURCE);
        await().atMost(Duration.ofSeconds(30)).until(() -> "UNDELIVERABLE".equals(status(id)));

        JsonNode view = JSON.readTree(http.get("/api/registrations/" + id).body());
        assertThat(view.propertyNames()).as("anyone still sees only id and status").containsExactlyInAnyOrder("id",
                "status");
        assertThat(view.get("status").asString()).isEqualTo("UNDELIVERABLE");
        JsonNode full = JSON.readTree(http.asOperator().get("/api/registrations/" + id).body());
        assertThat(full.get("status").asString()).isEqualTo("UNDELIVERABLE");
        assertThat(Instant.parse(full.get("undeliverableAt").asString())).isEqualTo(reportedAt);
        assertThat(full.get("undeliverableReason").asString()).isEqualTo("INVALID");
        assertThat(full.get("undeliverableCode").asInt()).isEqualTo(406);
        assertThat(undeliverableCount("INVALID") - before).isEqualTo(1.0);

        // the same event again, and a later report of the same link with another reason: nothing changes
        publish(event, MAILER_SOURCE);
        publish(new EmailUndeliverable(UUID.randomUUID(), reportedAt.plusSeconds(60), id, "bounces@example.com",
                registered.eventId(), EmailUndeliverable.Reason.BOUNCED, "soft_bounce", null), MAILER_SOURCE);
        awaitMarker(id);
        assertThat(undeliverableAt(id)).isEqualTo(reportedAt);
        assertThat(db.queryForObject("SELECT undeliverable_reason FROM users WHERE id = ?", String.class, id))
                .isEqualTo("INVALID");
        assertThat(undeliverableCount("INVALID") - before).as("one user marked, one count").isEqualTo(1.0);
    }

    @Test
    void aRecordClaimingAnotherProducerIsDeadLetteredAndMarksNobody() throws Exception {
        long id = register("forged-bounce@example.com");
        UserRegistered registered = challenge(id, UserRegistered.class);
        EmailUndeliverable event = new EmailUndeliverable(UUID.randomUUID(), Instant.now(), id,
                "forged-bounce@example.com", registered.eventId(), EmailUndeliverable.Reason.INVALID, "invalid", 406);

        publish(event, VERIFICATION_SOURCE);
        publish(event, "/verimail/registration-service");
        awaitMarker(id);

        assertThat(status(id)).as("only the mailer's EmailUndeliverable counts").isEqualTo("PENDING");
        try (TopicReader dlt = TopicReader.fromBeginning(bootstrapServers, Topics.VERIFICATION_EVENTS + ".DLT")) {
            var parked = dlt.await(r -> r.key().equals(Long.toString(id)), 2, Duration.ofSeconds(30));
            assertThat(parked).extracting(r -> TopicReader.header(r, "kafka_dlt-exception-message"))
                    .anySatisfy(m -> assertThat(m).contains("ce_type '" + EmailUndeliverable.CLOUD_EVENT_TYPE
                            + "' comes only from /verimail/mailer-service, not from /verimail/verification-service"))
                    .anySatisfy(m -> assertThat(m).contains("ce_type '" + EmailUndeliverable.CLOUD_EVENT_TYPE
                            + "' comes only from /verimail/mailer-service, not from /verimail/registration-service"));
        }
    }

    @Test
    void aVerifiedUserStaysVerified() throws Exception {
        long id = register("verified-then-bounce@example.com");
        UserRegistered registered = challenge(id, UserRegistered.class);
        Instant now = Instant.now();
        publish(new EmailVerified(UUID.randomUUID(), now, id, "verified-then-bounce@example.com", now),
                VERIFICATION_SOURCE);
        await().atMost(Duration.ofSeconds(30)).until(() -> "VERIFIED".equals(status(id)));

        publish(new EmailUndeliverable(UUID.randomUUID(), now.plusSeconds(1), id, "verified-then-bounce@example.com",
                registered.eventId(), EmailUndeliverable.Reason.BOUNCED, "soft_bounce", null), MAILER_SOURCE);
        awaitMarker(id);

        assertThat(status(id)).isEqualTo("VERIFIED");
        assertThat(undeliverableAt(id)).isNull();

        // both at once, in whichever order and poll they are applied: verifying proves the email arrived
        long both = register("both-at-once@example.com");
        UserRegistered bothRegistered = challenge(both, UserRegistered.class);
        publish(new EmailUndeliverable(UUID.randomUUID(), now, both, "both-at-once@example.com",
                bothRegistered.eventId(), EmailUndeliverable.Reason.INVALID, "invalid", 406), MAILER_SOURCE);
        publish(new EmailVerified(UUID.randomUUID(), now, both, "both-at-once@example.com", now), VERIFICATION_SOURCE);
        await().atMost(Duration.ofSeconds(30)).until(() -> "VERIFIED".equals(status(both)));
        assertThat(undeliverableAt(both)).isNull();
    }

    @Test
    void aResendAfterUndeliverableIssuesANewLinkAndReportsAboutTheOldLinkOrAnotherAddressChangeNothing()
            throws Exception {
        long id = register("resend-after-bounce@example.com");
        UserRegistered registered = challenge(id, UserRegistered.class);
        EmailUndeliverable bounce = new EmailUndeliverable(UUID.randomUUID(), Instant.now(), id,
                "resend-after-bounce@example.com", registered.eventId(), EmailUndeliverable.Reason.BOUNCED,
                "soft_bounce", 550);
        publish(bounce, MAILER_SOURCE);
        await().atMost(Duration.ofSeconds(30)).until(() -> "UNDELIVERABLE".equals(status(id)));

        assertThat(http.postJson("/api/registrations/resend", "{\"email\":\"Resend-After-Bounce@example.com\"}")
                .statusCode()).isEqualTo(202);

        VerificationReissued reissued = challenge(id, VerificationReissued.class);
        assertThat(reissued.token()).isNotEqualTo(registered.token());
        assertThat(reissued.email()).isEqualTo("resend-after-bounce@example.com");
        assertThat(status(id)).isEqualTo("PENDING");
        JsonNode full = JSON.readTree(http.asOperator().get("/api/registrations/" + id).body());
        assertThat(full.get("undeliverableAt").isNull()).as("what was said about the old link is cleared").isTrue();

        // the old link's bounce again (a redelivery), a new event about the old link, one about another address
        publish(bounce, MAILER_SOURCE);
        publish(new EmailUndeliverable(UUID.randomUUID(), Instant.now().plusSeconds(5), id,
                "resend-after-bounce@example.com", registered.eventId(), EmailUndeliverable.Reason.INVALID,
                "invalid", 406), MAILER_SOURCE);
        publish(new EmailUndeliverable(UUID.randomUUID(), Instant.now().plusSeconds(5), id, "someone-else@example.com",
                reissued.eventId(), EmailUndeliverable.Reason.INVALID, "invalid", 406), MAILER_SOURCE);
        awaitMarker(id);
        assertThat(status(id)).as("only the current link's bounce counts").isEqualTo("PENDING");

        publish(new EmailUndeliverable(UUID.randomUUID(), Instant.now(), id, "RESEND-after-bounce@example.com",
                reissued.eventId(), EmailUndeliverable.Reason.INVALID, "invalid", 406), MAILER_SOURCE);
        await().atMost(Duration.ofSeconds(30)).until(() -> "UNDELIVERABLE".equals(status(id)));
    }

    @Test
    void aNewSignUpReplacesTheUndeliverableUserAndTheOthersForgetIt() throws Exception {
        long stale = register("typo@example.com");
        markUndeliverable(stale, "typo@example.com");

        HttpResponse<String> again = http.postJson("/api/registrations",
                "{\"name\":\"Fixed\",\"email\":\"Typo@example.com\"}");

        assertThat(again.statusCode()).isEqualTo(202);
        long id = JSON.readTree(again.body()).get("id").asLong();
        assertThat(id).isNotEqualTo(stale);
        assertThat(again.headers().firstValue("Location")).hasValue("/api/registrations/" + id);
        assertThat(JSON.readTree(again.body()).get("status").asString()).isEqualTo("PENDING");
        assertThat(status(id)).isEqualTo("PENDING");
        assertThat(http.get("/api/registrations/" + stale).statusCode()).isEqualTo(404);

        RegistrationExpired expired = challenge(stale, RegistrationExpired.class);
        assertThat(expired.email()).isEqualTo("typo@example.com");
        UserRegistered registered = challenge(id, UserRegistered.class);
        assertThat(registered.email()).isEqualTo("Typo@example.com");
        assertThat(registered.name()).isEqualTo("Fixed");

        assertThat(http.postForm("/register", Map.of("name", "Again", "email", "typo@example.com")).statusCode())
                .as("the new user is pending: the address is taken again").isEqualTo(409);
    }

    @Test
    void theAddressLimitCountsSignUpsThatReplaceAndARefusedOneLeavesEverythingAsItWas() throws Exception {
        long first = register("bouncing@example.com");
        markUndeliverable(first, "bouncing@example.com");
        long second = signUpAgain("bouncing@example.com");
        markUndeliverable(second, "bouncing@example.com");
        long third = signUpAgain("bouncing@example.com");
        markUndeliverable(third, "bouncing@example.com");

        HttpResponse<String> fourth = http.postJson("/api/registrations",
                "{\"name\":\"X\",\"email\":\"bouncing@example.com\"}");

        assertThat(fourth.statusCode()).as("three emails to the address today").isEqualTo(429);
        assertThat(JSON.readTree(fourth.body()).get("code").asString()).isEqualTo("rate-limited");
        assertThat(status(third)).as("the refused sign-up left the user as it was").isEqualTo("UNDELIVERABLE");
        assertThat(db.queryForObject("SELECT COUNT(*) FROM users WHERE email_key = 'bouncing@example.com'",
                Integer.class)).isOne();
        assertThat(db.queryForObject("SELECT id FROM users WHERE email_key = 'bouncing@example.com'", Long.class))
                .isEqualTo(third);
    }

    @Test
    void aUserWhoseLinkPredatesTheChallengeIdIsJudgedByTheReportsTime() throws Exception {
        long id = register("legacy@example.com");
        challenge(id, UserRegistered.class);
        new TransactionTemplate(transactions).executeWithoutResult(status -> db.update(
                "UPDATE users SET challenge_event_id = NULL WHERE id = ?", id));
        Instant linkAt = db.queryForObject("SELECT last_challenge_at FROM users WHERE id = ?", Timestamp.class, id)
                .toInstant();

        publish(new EmailUndeliverable(UUID.randomUUID(), linkAt.minusSeconds(60), id, "legacy@example.com",
                UUID.randomUUID(), EmailUndeliverable.Reason.INVALID, "invalid", 406), MAILER_SOURCE);
        awaitMarker(id);
        assertThat(status(id)).as("reported before the latest link was issued: about an earlier one")
                .isEqualTo("PENDING");

        publish(new EmailUndeliverable(UUID.randomUUID(), linkAt.plusSeconds(60), id, "legacy@example.com",
                UUID.randomUUID(), EmailUndeliverable.Reason.INVALID, "invalid", 406), MAILER_SOURCE);
        await().atMost(Duration.ofSeconds(30)).until(() -> "UNDELIVERABLE".equals(status(id)));
    }

    /** Marks the user UNDELIVERABLE through the topic, with its current link's event. */
    private void markUndeliverable(long id, String email) throws Exception {
        UUID link = challenge(id, UserRegistered.class).eventId();
        publish(new EmailUndeliverable(UUID.randomUUID(), Instant.now(), id, email, link,
                EmailUndeliverable.Reason.INVALID, "invalid", 406), MAILER_SOURCE);
        await().atMost(Duration.ofSeconds(30)).until(() -> "UNDELIVERABLE".equals(status(id)));
    }

    private long signUpAgain(String email) {
        long id = register(email);
        assertThat(http.get("/api/registrations/" + id).statusCode()).isEqualTo(200);
        return id;
    }

    /**
     * Waits until everything published so far for {@code userId} was consumed: a marker user's bounce (BOUNCED, so
     * the INVALID count stays the tests'), published with {@code userId}'s key, so on the same partition and after
     * those records, is applied.
     */
    private void awaitMarker(long userId) throws Exception {
        String email = "marker-" + UUID.randomUUID() + "@example.com";
        long marker = register(email);
        UUID link = challenge(marker, UserRegistered.class).eventId();
        EmailUndeliverable event = new EmailUndeliverable(UUID.randomUUID(), Instant.now(), marker, email, link,
                EmailUndeliverable.Reason.BOUNCED, "soft_bounce", null);
        producer.send(CloudEventRecords.of(Topics.VERIFICATION_EVENTS, Long.toString(userId),
                event.eventId().toString(), event.cloudEventType(), MAILER_SOURCE, event.occurredAt(),
                EventJson.write(event))).get();
        await().atMost(Duration.ofSeconds(30)).until(() -> "UNDELIVERABLE".equals(status(marker)));
    }

    /** The latest event of {@code type} for the user on {@code registration-events}, as the mailer reads it. */
    private <T extends Event> T challenge(long userId, Class<T> type) {
        ConsumerRecord<String, String> record = registrationEvents.await(r -> r.key().equals(Long.toString(userId))
                && type.isInstance(EventJson.read(r.value(), RegistrationTopicEvent.class)), 1, Duration.ofSeconds(30))
                .stream().reduce((a, b) -> b).orElseThrow();
        return type.cast(EventJson.read(record.value(), RegistrationTopicEvent.class));
    }

    /** As the mailer's relay publishes it: CloudEvents headers, the given {@code ce_source}. */
    private void publish(Event event, String source) throws Exception {
        producer.send(CloudEventRecords.of(Topics.VERIFICATION_EVENTS, event.key(), event.eventId().toString(),
                event.cloudEventType(), source, event.occurredAt(), EventJson.write(event))).get();
    }

    private String status(long id) {
        return JSON.readTree(http.get("/api/registrations/" + id).body()).get("status").asString();
    }

    private Instant undeliverableAt(long id) {
        Timestamp at = db.queryForObject("SELECT undeliverable_at FROM users WHERE id = ?", Timestamp.class, id);
        return at == null ? null : at.toInstant();
    }

    private double undeliverableCount(String reason) {
        Counter counter = meters.find("registration.users.undeliverable").tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    private long register(String email) {
        HttpResponse<String> response = http.postJson("/api/registrations", "{\"name\":\"U\",\"email\":\"" + email + "\"}");
        assertThat(response.statusCode()).isEqualTo(202);
        return JSON.readTree(response.body()).get("id").asLong();
    }
}
