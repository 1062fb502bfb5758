package dev.verimail.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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
import dev.verimail.events.registration.EmailChangeCancelled;
import dev.verimail.events.registration.EmailChangeRequested;
import dev.verimail.events.registration.RegistrationTopicEvent;
import dev.verimail.events.registration.UserRegistered;
import dev.verimail.events.verification.EmailChanged;
import dev.verimail.events.verification.EmailUndeliverable;
import dev.verimail.events.verification.EmailVerified;
import dev.verimail.events.verification.VerificationEvent;
import dev.verimail.outbox.CloudEventRecords;
import dev.verimail.outbox.EventJson;
import dev.verimail.testbed.EventSchemaAssert;
import dev.verimail.testbed.ServiceTest;
import dev.verimail.testbed.TestHttp;
import dev.verimail.testbed.TopicReader;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The operator's address change against the real database and broker: {@code POST /api/registrations/{id}/email}
 * starts it (the user stays VERIFIED on the old address, the outbox holds {@code EmailChangeRequested}), refusals,
 * a replacing request and {@code DELETE} ({@code EmailChangeCancelled}), a sign-up with a pending address, and the
 * confirmation: verification-service's {@code EmailVerified} for the new address (published here as its relay
 * does) moves the user and writes {@code EmailChanged} to {@code verification-events}, which this service then
 * reads back and skips.
 */
@ServiceTest
class EmailChangeTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String VERIFICATION_SOURCE = "/verimail/verification-service";
    private static final String REGISTRATION_SOURCE = "/verimail/registration-service";
    private static final String MAILER_SOURCE = "/verimail/mailer-service";

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate db;

    @Autowired
    PlatformTransactionManager transactions;

    @Value("${spring.kafka.bootstrap-servers}")
    String bootstrapServers;

    static TopicReader registrationEvents;
    static TopicReader verificationEvents;

    TestHttp http;
    TestHttp operator;
    KafkaProducer<String, String> producer;

    @BeforeEach
    void setUp() {
        http = TestHttp.localhost(port);
        operator = http.asOperator();
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
                new StringSerializer(), new StringSerializer());
        if (registrationEvents == null) {
            registrationEvents = TopicReader.fromBeginning(bootstrapServers, Topics.REGISTRATION_EVENTS);
            verificationEvents = TopicReader.fromBeginning(bootstrapServers, Topics.VERIFICATION_EVENTS);
        }
    }

    @AfterEach
    void tearDown() {
        producer.close();
    }

    @AfterAll
    static void closeReaders() {
        if (registrationEvents != null) {
            registrationEvents.close();
            verificationEvents.close();
            registrationEvents = null;
            verificationEvents = null;
        }
    }

    @Test
    void startingAChangeKeepsTheUserVerifiedOnTheOldAddressAndAnnouncesTheChallenge() {
        long id = verifiedUser("ada@example.com");

        HttpResponse<String> started = changeEmail(operator, id, "  Ada.New@Example.com ");

        assertThat(started.statusCode()).isEqualTo(202);
        JsonNode body = JSON.readTree(started.body());
        assertThat(body.get("email").asString()).isEqualTo("ada@example.com");
        assertThat(body.get("pendingEmail").asString()).isEqualTo("Ada.New@Example.com");
        assertThat(body.get("status").asString()).isEqualTo("VERIFIED");
        Instant expiresAt = Instant.parse(body.get("pendingEmailExpiresAt").asString());

        JsonNode view = JSON.readTree(operator.get("/api/registrations/" + id).body());
        assertThat(view.get("email").asString()).isEqualTo("ada@example.com");
        assertThat(view.get("status").asString()).isEqualTo("VERIFIED");
        assertThat(view.get("pendingEmail").asString()).isEqualTo("Ada.New@Example.com");
        assertThat(Instant.parse(view.get("pendingEmailExpiresAt").asString())).isEqualTo(expiresAt);
        assertThat(JSON.readTree(http.get("/api/registrations/" + id).body()).propertyNames())
                .as("anyone still sees only id and status").containsExactlyInAnyOrder("id", "status");

        ConsumerRecord<String, String> record = latest(registrationEvents, id, EmailChangeRequested.TYPE);
        EventSchemaAssert.assertMatchesSchema(EmailChangeRequested.TYPE, record.value());
        assertThat(TopicReader.header(record, "ce_type")).isEqualTo(EmailChangeRequested.CLOUD_EVENT_TYPE);
        EmailChangeRequested event = (EmailChangeRequested) EventJson.read(record.value(), RegistrationTopicEvent.class);
        assertThat(event.email()).isEqualTo("Ada.New@Example.com");
        assertThat(event.previousEmail()).isEqualTo("ada@example.com");
        assertThat(event.name()).isEqualTo("Someone");
        assertThat(event.expiresAt()).isEqualTo(expiresAt);
        assertThat(event.authcodeHash()).isNotBlank();
        assertThat(event.sealedAuthcode()).isNotBlank();
        assertThat(JSON.readTree(record.value()).has("authcode")).as("never in clear").isFalse();
        assertThat(db.queryForObject("SELECT token FROM email_changes WHERE user_id = ?", String.class, id))
                .isEqualTo(event.token());
    }

    @Test
    void onlyAnOperatorMayChangeOrCancel() {
        long id = verifiedUser("guarded@example.com");
        for (TestHttp caller : java.util.List.of(http, http.withAuthorization("Bearer not-the-operator-token-x"))) {
            HttpResponse<String> post = changeEmail(caller, id, "thief@example.com");
            assertThat(post.statusCode()).isEqualTo(401);
            assertThat(JSON.readTree(post.body()).get("code").asString()).isEqualTo("unauthorized");
            assertThat(delete(caller, id).statusCode()).isEqualTo(401);
        }
        assertThat(pendingRows(id)).isZero();
    }

    @Test
    void refusalsAreProblemDetailsAndStoreNothing() {
        long id = verifiedUser("refused@example.com");
        long other = verifiedUser("other.owner@example.com");
        long pending = register("still.pending@example.com");
        long holder = verifiedUser("holder@example.com");
        assertThat(changeEmail(operator, holder, "held@example.com").statusCode()).isEqualTo(202);

        assertProblem(changeEmail(operator, id, "not an address"), 400, "invalid-input");
        assertThat(JSON.readTree(changeEmail(operator, id, "").body()).get("errors").get(0).get("field").asString())
                .isEqualTo("email");
        assertProblem(operator.post("/api/registrations/" + id + "/email", "application/json", "{\"email\":"), 400,
                "malformed-json");
        assertProblem(changeEmail(operator, 987654321L, "nobody.new@example.com"), 404, "not-found");
        assertProblem(changeEmail(operator, id, "Other.Owner@example.com"), 409, "email-taken");
        assertProblem(changeEmail(operator, id, "HELD@example.com"), 409, "email-taken");
        assertProblem(changeEmail(operator, id, "Refused@Example.com"), 409, "email-unchanged");
        assertProblem(changeEmail(operator, pending, "pending.new@example.com"), 409, "not-verified");

        assertThat(pendingRows(id) + pendingRows(other) + pendingRows(pending)).isZero();
        assertThat(db.queryForObject("SELECT email FROM email_changes WHERE user_id = ?", String.class, holder))
                .as("the other pending change is untouched").isEqualTo("held@example.com");
    }

    @Test
    void aNewRequestReplacesThePendingOneAndCancellingForgetsIt() {
        long id = verifiedUser("changer@example.com");
        assertThat(changeEmail(operator, id, "first.try@example.com").statusCode()).isEqualTo(202);
        EmailChangeRequested first = event(latest(registrationEvents, id, EmailChangeRequested.TYPE));

        assertThat(changeEmail(operator, id, "second.try@example.com").statusCode()).isEqualTo(202);

        EmailChangeCancelled replaced = event(latest(registrationEvents, id, EmailChangeCancelled.TYPE));
        assertThat(replaced.token()).as("the earlier link stops working").isEqualTo(first.token());
        assertThat(replaced.email()).isEqualTo("first.try@example.com");
        EmailChangeRequested second = event(awaitRecord(registrationEvents,
                r -> r.value().contains("second.try@example.com") && r.value().contains(EmailChangeRequested.TYPE)));
        assertThat(second.token()).isNotEqualTo(first.token());
        long someoneElse = verifiedUser("someone.else@example.com");
        assertThat(changeEmail(operator, someoneElse, "first.try@example.com").statusCode())
                .as("the replaced address is free again").isEqualTo(202);

        assertThat(delete(operator, id).statusCode()).isEqualTo(204);

        ConsumerRecord<String, String> record = awaitRecord(registrationEvents,
                r -> r.key().equals(Long.toString(id)) && r.value().contains(second.token())
                        && r.value().contains(EmailChangeCancelled.TYPE));
        EventSchemaAssert.assertMatchesSchema(EmailChangeCancelled.TYPE, record.value());
        assertThat(TopicReader.header(record, "ce_type")).isEqualTo(EmailChangeCancelled.CLOUD_EVENT_TYPE);
        JsonNode view = JSON.readTree(operator.get("/api/registrations/" + id).body());
        assertThat(view.get("pendingEmail").isNull()).isTrue();
        assertThat(view.get("email").asString()).isEqualTo("changer@example.com");
        assertProblem(delete(operator, id), 404, "no-pending-change");
        assertProblem(delete(operator, 987654321L), 404, "not-found");
    }

    @Test
    void aSignUpWithAnAddressPendingForSomeoneElsesChangeIsTaken() {
        long id = verifiedUser("mover@example.com");
        assertThat(changeEmail(operator, id, "moving.here@example.com").statusCode()).isEqualTo(202);

        assertProblem(http.postJson("/api/registrations", "{\"name\":\"Late\",\"email\":\"Moving.Here@example.com\"}"),
                409, "email-taken");
        assertThat(db.queryForObject("SELECT COUNT(*) FROM users WHERE email_key = 'moving.here@example.com'",
                Integer.class)).isZero();

        assertThat(delete(operator, id).statusCode()).isEqualTo(204);
        assertThat(http.postJson("/api/registrations", "{\"name\":\"Late\",\"email\":\"moving.here@example.com\"}")
                .statusCode()).as("free once the change is cancelled").isEqualTo(202);
    }

    @Test
    void theConfirmationMovesTheUserAnnouncesEmailChangedAndItsOwnEventIsSkipped() throws Exception {
        long id = verifiedUser("old.address@example.com");
        assertThat(changeEmail(operator, id, "New.Address@example.com").statusCode()).isEqualTo(202);
        Instant verifiedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        EmailVerified confirmed = new EmailVerified(UUID.randomUUID(), verifiedAt, id, "New.Address@example.com",
                verifiedAt);

        publish(confirmed, VERIFICATION_SOURCE);

        await().atMost(Duration.ofSeconds(30)).until(() -> "New.Address@example.com".equals(
                db.queryForObject("SELECT email FROM users WHERE id = ?", String.class, id)));
        JsonNode view = JSON.readTree(operator.get("/api/registrations/" + id).body());
        assertThat(view.get("status").asString()).isEqualTo("VERIFIED");
        assertThat(Instant.parse(view.get("verifiedAt").asString())).isEqualTo(verifiedAt);
        assertThat(view.get("pendingEmail").isNull()).isTrue();
        assertThat(pendingRows(id)).isZero();

        ConsumerRecord<String, String> record = awaitRecord(verificationEvents,
                r -> r.key().equals(Long.toString(id)) && r.value().contains(EmailChanged.TYPE));
        EventSchemaAssert.assertMatchesSchema(EmailChanged.TYPE, record.value());
        assertThat(TopicReader.header(record, "ce_type")).isEqualTo(EmailChanged.CLOUD_EVENT_TYPE);
        assertThat(TopicReader.header(record, "ce_source")).isEqualTo(REGISTRATION_SOURCE);
        EmailChanged changed = (EmailChanged) EventJson.read(record.value(), VerificationEvent.class);
        assertThat(changed.previousEmail()).isEqualTo("old.address@example.com");
        assertThat(changed.email()).isEqualTo("New.Address@example.com");
        assertThat(changed.userId()).isEqualTo(id);

        // a replay of the confirmation changes nothing and announces nothing again
        publish(confirmed, VERIFICATION_SOURCE);
        awaitMarker(id);
        assertThat(verificationEvents.readFor(Duration.ofMillis(500),
                r -> r.key().equals(Long.toString(id)) && r.value().contains(EmailChanged.TYPE))).hasSize(1);
        try (TopicReader dlt = TopicReader.fromBeginning(bootstrapServers, Topics.VERIFICATION_EVENTS + ".DLT")) {
            assertThat(dlt.readFor(Duration.ofSeconds(1), r -> r.key().equals(Long.toString(id))))
                    .as("our own EmailChanged, read back, is skipped, not dead-lettered").isEmpty();
        }

        assertThat(http.postJson("/api/registrations", "{\"name\":\"New\",\"email\":\"old.address@example.com\"}")
                .statusCode()).as("the previous address is free").isEqualTo(202);
        assertProblem(http.postJson("/api/registrations", "{\"name\":\"X\",\"email\":\"new.address@example.com\"}"),
                409, "email-taken");
    }

    @Test
    void aConfirmedChangeWhoseAddressWasTakenMeanwhileIsDroppedAndTheUserKeepsTheirs() throws Exception {
        long id = verifiedUser("keeper@example.com");
        assertThat(changeEmail(operator, id, "contested@example.com").statusCode()).isEqualTo(202);
        // a row the locks would normally keep out: another user with the address
        long intruder = 700_000_000_000L + (long) (Math.random() * 1_000_000);
        new TransactionTemplate(transactions).executeWithoutResult(status -> db.update("""
                INSERT INTO users (id, name, email, email_key, status, registered_at, last_challenge_at)
                VALUES (?, 'Intruder', 'contested@example.com', 'contested@example.com', 'PENDING', NOW(6), NOW(6))""",
                intruder));
        Instant now = Instant.now();

        publish(new EmailVerified(UUID.randomUUID(), now, id, "contested@example.com", now), VERIFICATION_SOURCE);

        await().atMost(Duration.ofSeconds(30)).until(() -> pendingRows(id) == 0);
        awaitMarker(id);
        assertThat(db.queryForObject("SELECT email FROM users WHERE id = ?", String.class, id))
                .isEqualTo("keeper@example.com");
        assertThat(db.queryForObject("SELECT status FROM users WHERE id = ?", String.class, id)).isEqualTo("VERIFIED");
        assertThat(verificationEvents.readFor(Duration.ofMillis(500),
                r -> r.key().equals(Long.toString(id)) && r.value().contains(EmailChanged.TYPE))).isEmpty();
    }

    private long verifiedUser(String email) {
        long id = register(email);
        new TransactionTemplate(transactions).executeWithoutResult(status -> db.update(
                "UPDATE users SET status = 'VERIFIED', verified_at = registered_at WHERE id = ?", id));
        return id;
    }

    private long register(String email) {
        HttpResponse<String> response = http.postJson("/api/registrations",
                "{\"name\":\"Someone\",\"email\":\"" + email + "\"}");
        assertThat(response.statusCode()).isEqualTo(202);
        return JSON.readTree(response.body()).get("id").asLong();
    }

    private static HttpResponse<String> changeEmail(TestHttp caller, long id, String email) {
        return caller.postJson("/api/registrations/" + id + "/email", "{\"email\":\"" + email + "\"}");
    }

    private static HttpResponse<String> delete(TestHttp caller, long id) {
        return caller.send(HttpRequest.newBuilder(caller.uri("/api/registrations/" + id + "/email")).DELETE());
    }

    private static void assertProblem(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
        assertThat(JSON.readTree(response.body()).get("code").asString()).isEqualTo(code);
    }

    private int pendingRows(long id) {
        return db.queryForObject("SELECT COUNT(*) FROM email_changes WHERE user_id = ?", Integer.class, id);
    }

    private static ConsumerRecord<String, String> latest(TopicReader reader, long id, String type) {
        return reader.await(r -> r.key().equals(Long.toString(id)) && r.value().contains("\"type\":\"" + type + "\""),
                1, Duration.ofSeconds(30)).stream().reduce((a, b) -> b).orElseThrow();
    }

    private static ConsumerRecord<String, String> awaitRecord(TopicReader reader,
            java.util.function.Predicate<ConsumerRecord<String, String>> match) {
        return reader.await(match, 1, Duration.ofSeconds(30)).get(0);
    }

    @SuppressWarnings("unchecked")
    private static <T extends RegistrationTopicEvent> T event(ConsumerRecord<String, String> record) {
        return (T) EventJson.read(record.value(), RegistrationTopicEvent.class);
    }

    /**
     * Waits until everything published so far under {@code userId}'s key was consumed: a marker user's bounce,
     * published with that key (same partition, after those records), is applied.
     */
    private void awaitMarker(long userId) throws Exception {
        String email = "marker-" + UUID.randomUUID() + "@example.com";
        long marker = register(email);
        UserRegistered registered = (UserRegistered) EventJson.read(
                latest(registrationEvents, marker, UserRegistered.TYPE).value(), RegistrationTopicEvent.class);
        EmailUndeliverable event = new EmailUndeliverable(UUID.randomUUID(), Instant.now(), marker, email,
                registered.eventId(), EmailUndeliverable.Reason.BOUNCED, "soft_bounce", null);
        producer.send(CloudEventRecords.of(Topics.VERIFICATION_EVENTS, Long.toString(userId),
                event.eventId().toString(), event.cloudEventType(), MAILER_SOURCE, event.occurredAt(),
                EventJson.write(event))).get();
        await().atMost(Duration.ofSeconds(30)).until(() -> "UNDELIVERABLE".equals(
                db.queryForObject("SELECT status FROM users WHERE id = ?", String.class, marker)));
    }

    private void publish(Event event, String source) throws Exception {
        producer.send(CloudEventRecords.of(Topics.VERIFICATION_EVENTS, event.key(), event.eventId().toString(),
                event.cloudEventType(), source, event.occurredAt(), EventJson.write(event))).get();
    }
}
