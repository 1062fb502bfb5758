package dev.verimail.mailer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.verimail.events.registration.RegistrationExpired;
import dev.verimail.events.registration.UserRegistered;
import dev.verimail.events.registration.VerificationReissued;
import dev.verimail.testbed.ServiceTest;

/**
 * The clean-up against the real database, with a clock the test moves: links go as soon as a delivery is final
 * (a permanent failure keeps its link until it expires, for the operator re-drive), inbox emails after
 * {@code mailer.retention.inbox}, final deliveries after {@code mailer.retention.deliveries}, and a
 * {@code RegistrationExpired} removes the user's deliveries. Built-in inbox transport.
 */
@ServiceTest(properties = { "mailer.transport=inbox", "mailer.retention.interval=PT0.2S", "mailer.redrive.secret-sweep-interval=PT0.2S",
        "mailer.retention.batch=2" })
@ExtendWith(OutputCaptureExtension.class)
class RetentionTests {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TestConfiguration(proxyBeanMethods = false)
    static class MovableClock {

        @Bean
        @Primary
        TestClock testClock() {
            return new TestClock();
        }
    }

    /** The system clock plus an offset the test sets. */
    static final class TestClock extends Clock {

        private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

        void moveTo(Duration ahead) {
            offset.set(ahead);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(offset.get());
        }
    }

    @Autowired
    TestClock clock;

    @Autowired
    JdbcTemplate db;

    @Autowired
    PlatformTransactionManager transactions;

    @Value("${spring.kafka.bootstrap-servers}")
    String bootstrapServers;

    Events events;

    @BeforeEach
    void setUp() {
        clock.moveTo(Duration.ZERO);
        events = new Events(bootstrapServers);
    }

    @AfterEach
    void tearDown() {
        clock.moveTo(Duration.ZERO);
        events.close();
    }

    @Test
    void linksGoWhenFinalInboxEmailsAfterADayAndDeliveriesThirtyDaysAfterTheyBecameFinal(CapturedOutput output) {
        String email = "retention-" + UUID.randomUUID() + "@example.com";
        UserRegistered sent = Events.registered(Events.newUserId(), email, Instant.now().plus(Duration.ofHours(1)));
        events.publish(sent);
        await().atMost(WAIT).until(() -> "SENT".equals(status(sent.eventId())));
        assertThat(count("SELECT COUNT(*) FROM inbox_message WHERE event_id = ?", sent.eventId())).isOne();
        assertThat(db.queryForObject("SELECT id FROM inbox_message WHERE event_id = ?", Long.class,
                sent.eventId().toString())).as("a random id, shown at /api/inbox").isGreaterThan(1L << 32);
        String refusedAlive = insertPermanentFailure(Instant.now().plus(Duration.ofHours(1)));
        String refusedExpired = insertPermanentFailure(Instant.now().minus(Duration.ofMinutes(1)));
        String openExpired = insertDueRetrying(Instant.now().minus(Duration.ofMinutes(1)));

        await().atMost(WAIT).until(() -> link(refusedExpired) == null && link(openExpired) == null);
        assertThat(count("SELECT COUNT(*) FROM delivery WHERE token IS NOT NULL AND (status = 'SENT' "
                + "OR failure_reason IN ('EXPIRED', 'SUPERSEDED'))")).as("no final delivery holds a link").isZero();
        assertThat(link(sent.eventId().toString())).isNull();
        assertThat(link(refusedAlive)).as("a permanent failure keeps its link for a re-drive until it expires")
                .isNotNull();

        clock.moveTo(Duration.ofHours(23));
        pause();
        assertThat(count("SELECT COUNT(*) FROM inbox_message WHERE event_id = ?", sent.eventId()))
                .as("younger than a day").isOne();

        clock.moveTo(Duration.ofHours(25));
        await().atMost(WAIT).until(() -> count("SELECT COUNT(*) FROM inbox_message WHERE event_id = ?",
                sent.eventId()) == 0);
        await().atMost(WAIT).until(() -> link(refusedAlive) == null);
        assertThat(count("SELECT COUNT(*) FROM inbox_message WHERE created_at < ?",
                db(clock.instant().minus(Duration.ofDays(1))))).isZero();
        assertThat(status(sent.eventId())).as("a delivery is kept for 30 days after it became final")
                .isEqualTo("SENT");

        clock.moveTo(Duration.ofDays(29));
        pause();
        assertThat(status(sent.eventId())).isEqualTo("SENT");

        clock.moveTo(Duration.ofDays(31));
        await().atMost(WAIT).until(() -> status(sent.eventId()) == null);
        await().atMost(WAIT).until(() -> count("SELECT COUNT(*) FROM delivery WHERE event_id IN (?, ?)",
                refusedAlive, refusedExpired) == 0);
        assertThat(output.getAll()).contains("Retention: deleted").doesNotContain(email)
                .doesNotContain(sent.authcode()).doesNotContain(sent.token());
    }

    @Test
    void registrationExpiredRemovesTheUsersDeliveriesAndOnlyTheirs() {
        long user = Events.newUserId();
        long other = Events.newUserId();
        String email = "expiring-" + UUID.randomUUID() + "@example.com";
        UserRegistered first = Events.registered(user, "Ex Piry", email, "tok-ex-1", "auth-ex-1");
        VerificationReissued second = Events.reissued(user, "Ex Piry", email, "tok-ex-2", "auth-ex-2");
        UserRegistered others = Events.registered(other, "Other", "other-" + email, "tok-ot", "auth-ot");
        events.publish(first);
        events.publish(second);
        events.publish(others);
        await().atMost(WAIT).until(() -> "SENT".equals(status(second.eventId())) && status(first.eventId()) != null
                && "SENT".equals(status(others.eventId())));

        RegistrationExpired expired = new RegistrationExpired(UUID.randomUUID(), Instant.now(), user, email);
        events.publish(expired);
        await().atMost(WAIT).until(() -> count("SELECT COUNT(*) FROM delivery WHERE user_id = ?", user) == 0);
        assertThat(status(others.eventId())).isEqualTo("SENT");

        events.publish(expired);
        events.publish(Events.registered(other, "other-" + email, Instant.now().plus(Duration.ofHours(1))));
        await().atMost(WAIT).until(() -> count("SELECT COUNT(*) FROM delivery WHERE user_id = ?", other) == 2);
        assertThat(count("SELECT COUNT(*) FROM delivery WHERE user_id = ?", user)).as("a replay changes nothing")
                .isZero();
    }

    /** Several runs of the clean-up. */
    private static void pause() {
        try {
            Thread.sleep(1_000);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String status(UUID eventId) {
        return db.query("SELECT status FROM delivery WHERE event_id = ?", rs -> rs.next() ? rs.getString(1) : null,
                eventId.toString());
    }

    private String link(String eventId) {
        return db.query("SELECT token, authcode FROM delivery WHERE event_id = ?", rs -> {
            if (!rs.next()) {
                return null;
            }
            assertThat(rs.getString(1) == null).isEqualTo(rs.getString(2) == null);
            return rs.getString(2);
        }, eventId);
    }

    private int count(String sql, Object... args) {
        return db.queryForObject(sql, Integer.class,
                java.util.Arrays.stream(args).map(a -> a instanceof UUID u ? u.toString() : a).toArray());
    }

    private String insertPermanentFailure(Instant expiresAt) {
        String id = UUID.randomUUID().toString();
        LocalDateTime now = db(Instant.now());
        write("""
                INSERT INTO delivery (event_id, event_type, user_id, email, email_key, name, token, authcode,
                    occurred_at, expires_at, status, attempts, redrives, failure_reason, sendcloud_code, created_at,
                    updated_at, finished_at)
                VALUES (?, 'UserRegistered', 77, 'refused@example.com', 'refused@example.com', 'N', 't', 'a', ?, ?,
                    'FAILED', 1, 0, 'PERMANENT', 40005, ?, ?, ?)""", id, now, db(expiresAt), now, now, now);
        return id;
    }

    /** RETRYING, due, with an expired link, held by nobody: whichever comes first, the clean-up or the re-drive, clears the link. */
    private String insertDueRetrying(Instant expiresAt) {
        String id = UUID.randomUUID().toString();
        LocalDateTime now = db(Instant.now());
        write("""
                INSERT INTO delivery (event_id, event_type, user_id, email, email_key, name, token, authcode,
                    occurred_at, expires_at, status, attempts, redrives, next_attempt_at, claim_token, created_at,
                    updated_at)
                VALUES (?, 'UserRegistered', 78, 'open@example.com', 'open@example.com', 'N', 't', 'a', ?, ?,
                    'RETRYING', 4, 1, ?, NULL, ?, ?)""", id, now, db(expiresAt), db(expiresAt), now, now);
        return id;
    }

    private void write(String sql, Object... args) {
        new TransactionTemplate(transactions).executeWithoutResult(s -> db.update(sql, args));
    }

    private static LocalDateTime db(Instant instant) {
        return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
