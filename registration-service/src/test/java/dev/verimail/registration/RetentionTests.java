package dev.verimail.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.verimail.events.Topics;
import dev.verimail.events.registration.RegistrationExpired;
import dev.verimail.events.registration.RegistrationTopicEvent;
import dev.verimail.outbox.EventJson;
import dev.verimail.testbed.EventSchemaAssert;
import dev.verimail.testbed.ServiceTest;
import dev.verimail.testbed.TestHttp;
import dev.verimail.testbed.TopicReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * The scheduled clean-up against the real database, driven by a clock the test moves: it runs every 200 ms here,
 * two rows per batch, so a run of three users takes two batches.
 */
@ServiceTest(properties = { "registration.retention.interval=PT0.2S", "registration.retention.batch=2",
        "registration.verification-ttl=PT24H", "registration.retention.pending-users=P7D",
        "registration.resend-cooldown=PT60S" })
class RetentionTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration TTL_AND_RETENTION = Duration.ofHours(24).plusDays(7);

    @TestConfiguration(proxyBeanMethods = false)
    static class MovableClockConfiguration {

        @Bean
        @Primary
        MovableClock movableClock() {
            return new MovableClock();
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate db;

    @Autowired
    PlatformTransactionManager transactions;

    @Autowired
    MovableClock clock;

    @Value("${spring.kafka.bootstrap-servers}")
    String bootstrapServers;

    static TopicReader registrationEvents;

    TestHttp http;

    @BeforeEach
    void setUp() {
        http = TestHttp.localhost(port);
        if (registrationEvents == null) {
            registrationEvents = TopicReader.fromBeginning(bootstrapServers, Topics.REGISTRATION_EVENTS);
        }
    }

    @AfterAll
    static void closeReader() {
        if (registrationEvents != null) {
            registrationEvents.close();
            registrationEvents = null;
        }
    }

    @Test
    void deletesNeverVerifiedUsersSomeDaysAfterTheirLastLinkExpiredAnnouncesItAndLetsTheAddressSignUpAgain() throws Exception {
        long first = register("first.expiring@example.com");
        long second = register("second.expiring@example.com");
        long third = register("third.expiring@example.com");
        long resent = register("resent@example.com");
        long verified = register("verified@example.com");
        new TransactionTemplate(transactions).executeWithoutResult(status -> {
            db.update("UPDATE users SET status = 'VERIFIED', verified_at = registered_at WHERE id = ?", verified);
            // never verified either: the provider reported its address unreachable
            db.update("UPDATE users SET status = 'UNDELIVERABLE', undeliverable_at = registered_at, "
                    + "undeliverable_reason = 'INVALID' WHERE id = ?", third);
        });
        Instant start = clock.instant();

        clock.set(start.plus(TTL_AND_RETENTION).minusSeconds(60));
        assertThat(http.postJson("/api/registrations/resend", "{\"email\":\"resent@example.com\"}").statusCode())
                .isEqualTo(202);
        Thread.sleep(1000);
        assertThat(existing(first, second, third, resent, verified))
                .as("a minute before the retention is over nobody is deleted")
                .containsExactlyInAnyOrder(first, second, third, resent, verified);

        clock.set(start.plus(TTL_AND_RETENTION).plusSeconds(60));
        await().atMost(Duration.ofSeconds(30)).until(() -> existing(first, second, third, resent, verified).size() == 2);
        assertThat(existing(first, second, third, resent, verified))
                .as("the user who asked for a new link and the verified one are kept").containsExactlyInAnyOrder(resent, verified);

        for (long id : List.of(first, second, third)) {
            ConsumerRecord<String, String> record = registrationEvents.await(r -> r.key().equals(Long.toString(id))
                    && r.value().contains(RegistrationExpired.TYPE), 1, Duration.ofSeconds(30)).get(0);
            EventSchemaAssert.assertMatchesSchema(RegistrationExpired.TYPE, record.value());
            RegistrationExpired event = (RegistrationExpired) EventJson.read(record.value(), RegistrationTopicEvent.class);
            assertThat(event.userId()).isEqualTo(id);
            assertThat(event.email()).endsWith(".expiring@example.com");
            assertThat(event.occurredAt()).isAfter(start.plus(TTL_AND_RETENTION));
            assertThat(TopicReader.header(record, "ce_type")).isEqualTo(RegistrationExpired.CLOUD_EVENT_TYPE);
        }
        assertThat(registrationEvents.readFor(Duration.ofMillis(500), r -> r.value().contains(RegistrationExpired.TYPE)))
                .as("one RegistrationExpired per deleted user").hasSize(3);

        HttpResponse<String> again = http.postJson("/api/registrations",
                "{\"name\":\"Back Again\",\"email\":\"First.Expiring@example.com\"}");
        assertThat(again.statusCode()).as("a deleted user's address can sign up again").isEqualTo(202);
        long newId = JSON.readTree(again.body()).get("id").asLong();
        assertThat(newId).isNotEqualTo(first);
        assertThat(again.headers().firstValue("Location")).hasValue("/api/registrations/" + newId);
        assertThat(http.get("/api/registrations/" + first).statusCode()).isEqualTo(404);

        clock.set(start.plus(TTL_AND_RETENTION).plus(TTL_AND_RETENTION));
        await().atMost(Duration.ofSeconds(30)).until(() -> existing(resent).isEmpty());
        assertThat(existing(verified)).as("verified users are never deleted").containsExactly(verified);
    }

    @Test
    void deletesThrottleRowsOnceTheirCooldownIsOver() throws Exception {
        assertThat(http.postJson("/api/registrations/resend", "{\"email\":\"Nobody.Here@example.com\"}").statusCode())
                .isEqualTo(202);
        assertThat(throttleRows("nobody.here@example.com")).isOne();

        clock.advance(Duration.ofSeconds(50));
        Thread.sleep(1000);
        assertThat(throttleRows("nobody.here@example.com")).as("within the cooldown the row is kept").isOne();
        assertThat(http.postJson("/api/registrations/resend", "{\"email\":\"nobody.here@example.com\"}").statusCode())
                .as("and still throttles").isEqualTo(429);

        clock.advance(Duration.ofSeconds(11));
        await().atMost(Duration.ofSeconds(30)).until(() -> throttleRows("nobody.here@example.com") == 0);
        assertThat(http.postJson("/api/registrations/resend", "{\"email\":\"nobody.here@example.com\"}").statusCode())
                .isEqualTo(202);
    }

    @Test
    void removesAnAddressChangeOnceItsLinkExpiredAndTheAddressIsFreeAgain() {
        long id = register("changing.user@example.com");
        new TransactionTemplate(transactions).executeWithoutResult(status -> db.update(
                "UPDATE users SET status = 'VERIFIED', verified_at = registered_at WHERE id = ?", id));
        Instant start = clock.instant();
        assertThat(http.asOperator().postJson("/api/registrations/" + id + "/email",
                "{\"email\":\"changing.to@example.com\"}").statusCode()).isEqualTo(202);
        assertThat(http.postJson("/api/registrations", "{\"name\":\"X\",\"email\":\"changing.to@example.com\"}")
                .statusCode()).as("held by the pending change").isEqualTo(409);

        clock.set(start.plus(Duration.ofHours(24)).plusSeconds(60));
        await().atMost(Duration.ofSeconds(30)).until(() -> db.queryForObject(
                "SELECT COUNT(*) FROM email_changes WHERE user_id = ?", Integer.class, id) == 0);

        assertThat(JSON.readTree(http.asOperator().get("/api/registrations/" + id).body()).get("pendingEmail").isNull())
                .isTrue();
        assertThat(db.queryForObject("SELECT email FROM users WHERE id = ?", String.class, id))
                .as("the user keeps their address").isEqualTo("changing.user@example.com");
        assertThat(http.postJson("/api/registrations", "{\"name\":\"X\",\"email\":\"changing.to@example.com\"}")
                .statusCode()).as("the address is free again").isEqualTo(202);
    }

    private long register(String email) {
        HttpResponse<String> response = http.postJson("/api/registrations", "{\"name\":\"Someone\",\"email\":\"" + email + "\"}");
        assertThat(response.statusCode()).isEqualTo(202);
        return JSON.readTree(response.body()).get("id").asLong();
    }

    private List<Long> existing(Long... ids) {
        return db.queryForList("SELECT id FROM users WHERE id IN (" + String.join(",", java.util.Collections.nCopies(ids.length, "?"))
                + ")", Long.class, (Object[]) ids);
    }

    private int throttleRows(String emailKey) {
        return db.queryForObject("SELECT COUNT(*) FROM resend_throttle WHERE email_key = ?", Integer.class, emailKey);
    }

    /** A clock the test sets; the service's {@code Clock} bean in this test. */
    static final class MovableClock extends Clock {

        private final AtomicReference<Instant> now = new AtomicReference<>(Instant.now());

        void set(Instant instant) {
            now.set(instant);
        }

        void advance(Duration duration) {
            now.updateAndGet(i -> i.plus(duration));
        }

        @Override
        public Instant instant() {
            return now.get();
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
