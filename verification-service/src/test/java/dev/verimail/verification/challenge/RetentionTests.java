package dev.verimail.verification.challenge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.verimail.events.Event;
import dev.verimail.events.Topics;
import dev.verimail.events.registration.RegistrationEvent;
import dev.verimail.events.registration.RegistrationExpired;
import dev.verimail.events.registration.UserRegistered;
import dev.verimail.events.registration.VerificationReissued;
import dev.verimail.outbox.CloudEventRecords;
import dev.verimail.outbox.EventJson;
import dev.verimail.testbed.SealedChallenges;
import dev.verimail.testbed.ServiceTest;
import dev.verimail.testbed.TestBedInitializer;
import dev.verimail.testbed.TestHttp;
import dev.verimail.web.link.SignedTokens;

/** Retention with a clock the test moves, against the real database and broker. */
@ServiceTest(properties = "verification.retention.interval=PT1H")
class RetentionTests {

    private static final SignedTokens TOKENS = SignedTokens.of(TestBedInitializer.LINK_KEY);
    private static final SecureRandom RANDOM = new SecureRandom();

    @TestConfiguration
    static class Clocks {
        @Bean
        @Primary
        MovableClock movableClock() {
            return new MovableClock(Instant.now());
        }
    }

    @Autowired
    MovableClock clock;

    @Autowired
    ChallengeRetention retention;

    @Autowired
    Challenges challenges;

    @Autowired
    Verifications verifications;

    @Autowired
    JdbcTemplate jdbc;

    @LocalServerPort
    int port;

    @Value("${spring.kafka.bootstrap-servers}")
    String bootstrapServers;

    /** The clock is the class's: past every challenge an earlier test left, and those cleaned up. */
    @org.junit.jupiter.api.BeforeEach
    void startClean() {
        clock.move(Duration.ofDays(30));
        retention.run();
    }

    @Test
    void challengesGoSevenDaysAfterTheyExpiredWereUsedOrSuperseded() {
        Instant t0 = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        long used = 900_001L + RANDOM.nextInt(1_000_000);
        UserRegistered usedOne = registered(used, t0, t0.plus(Duration.ofHours(24)));
        long reissuedUser = used + 1;
        UserRegistered old = registered(reissuedUser, t0, t0.plus(Duration.ofHours(24)));
        VerificationReissued newer = new VerificationReissued(UUID.randomUUID(), t0.plusSeconds(60), reissuedUser, "R",
                "r@example.com", TOKENS.issue(t0.plus(Duration.ofDays(3))), secret(), t0.plus(Duration.ofDays(3)));
        long expiring = used + 2;
        UserRegistered expiringOne = registered(expiring, t0, t0.plus(Duration.ofHours(24)));
        challenges.receiveAll(List.of(usedOne, old, newer, expiringOne));
        assertThat(verifications.verify(usedOne.token(), usedOne.authcode()).status()).isEqualTo(Outcome.Status.VERIFIED);

        clock.move(Duration.ofDays(7).minusMinutes(1));
        assertThat(retention.run()).as("nothing is old enough yet").isZero();

        clock.move(Duration.ofMinutes(2));
        assertThat(retention.run()).as("the used one and the superseded one").isEqualTo(2);
        assertThat(tokens(used)).isEmpty();
        assertThat(tokens(reissuedUser)).containsExactly(newer.token());
        assertThat(tokens(expiring)).containsExactly(expiringOne.token());
        assertThat(count("SELECT COUNT(*) FROM user_verification WHERE user_id = ? AND verified_at IS NOT NULL", used))
                .as("the verified user is still known as verified").isOne();
        assertThat(verifications.check(usedOne.token(), usedOne.authcode()).status())
                .as("a deleted, long expired link").isEqualTo(Outcome.Status.EXPIRED);

        clock.move(Duration.ofDays(1));
        assertThat(retention.run()).as("the expired one").isEqualTo(1);
        assertThat(tokens(expiring)).isEmpty();
        clock.move(Duration.ofDays(3));
        assertThat(retention.run()).isEqualTo(1);
        assertThat(retention.run()).as("a second run finds nothing").isZero();
    }

    @Test
    void countersOfWrongCodesGoOnceTheirWindowEnded() {
        jdbc.execute("DELETE FROM code_failure");
        assertThat(verifications.verifyCode("retention.nobody@example.com", "123456", "198.51.100.7").status())
                .isEqualTo(Outcome.Status.NOT_VALID);
        assertThat(count("SELECT COUNT(*) FROM code_failure WHERE failures = ?", 1))
                .as("the address's and the client's").isEqualTo(2);

        clock.move(Duration.ofHours(2));
        retention.run();
        assertThat(count("SELECT COUNT(*) FROM code_failure WHERE failures = ?", 1))
                .as("the client's window (1 h) ended, the address's (24 h) has not").isOne();
        clock.move(Duration.ofHours(23));
        retention.run();
        assertThat(count("SELECT COUNT(*) FROM code_failure WHERE failures = ?", 1)).isZero();
    }

    @Test
    void retentionDeletesInBatchesUntilNothingIsLeft() {
        Instant t0 = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        long first = 3_000_001L + RANDOM.nextInt(1_000_000) * 10L;
        List<UserRegistered> many = java.util.stream.LongStream.range(first, first + 1203)
                .mapToObj(user -> registered(user, t0, t0.plusSeconds(60))).toList();
        challenges.receiveAll(many);
        clock.move(Duration.ofDays(8));
        assertThat(retention.run()).isGreaterThanOrEqualTo(1203);
        assertThat(count("SELECT COUNT(*) FROM challenge WHERE user_id BETWEEN ? AND ?", first, first + 1203)).isZero();
    }

    @Test
    void aRegistrationExpiredOnTheTopicForgetsTheUserAndTheirLinkAnswersExpired() throws Exception {
        Instant t0 = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        long user = 5_000_001L + RANDOM.nextInt(1_000_000);
        UserRegistered registered = registered(user, t0, t0.plus(Duration.ofHours(24)));
        long verifiedUser = user + 1;
        UserRegistered verifiedOne = registered(verifiedUser, t0, t0.plus(Duration.ofHours(24)));
        TestHttp http = TestHttp.localhost(port);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), new StringSerializer(),
                new StringSerializer())) {
            publish(producer, registered);
            publish(producer, verifiedOne);
            await().atMost(Duration.ofSeconds(30)).until(() -> tokens(user).size() == 1 && tokens(verifiedUser).size() == 1);
            assertThat(verifications.verify(verifiedOne.token(), verifiedOne.authcode()).status())
                    .isEqualTo(Outcome.Status.VERIFIED);

            clock.move(Duration.ofDays(10));
            publish(producer, new RegistrationExpired(UUID.randomUUID(), clock.instant(), user, "u@example.com"));
            publish(producer, new RegistrationExpired(UUID.randomUUID(), clock.instant(), verifiedUser, "v@example.com"));
            await().atMost(Duration.ofSeconds(30)).until(() -> tokens(user).isEmpty()
                    && count("SELECT COUNT(*) FROM user_verification WHERE user_id = ?", user) == 0);
        }
        HttpResponse<String> click = http.postJson("/api/verifications",
                "{\"token\":\"" + registered.token() + "\",\"authcode\":\"" + registered.authcode() + "\"}");
        assertThat(click.statusCode()).as("the signed token decides: genuine but expired").isEqualTo(410);
        assertThat(count("SELECT COUNT(*) FROM user_verification WHERE user_id = ? AND verified_at IS NOT NULL",
                verifiedUser)).as("a verified user is kept").isOne();
        assertThat(tokens(verifiedUser)).hasSize(1);
    }

    private static void publish(KafkaProducer<String, String> producer, Event event)
            throws InterruptedException, ExecutionException {
        Event sent = event instanceof RegistrationEvent challenge ? SealedChallenges.v2(challenge) : event;
        producer.send(CloudEventRecords.of(Topics.REGISTRATION_EVENTS, sent.key(), sent.eventId().toString(),
                sent.cloudEventType(), "/verimail/registration-service", sent.occurredAt(), EventJson.write(sent))).get();
    }

    private static UserRegistered registered(long userId, Instant at, Instant expiresAt) {
        return new UserRegistered(UUID.randomUUID(), at, userId, "Kept", userId + "@example.com",
                TOKENS.issue(expiresAt), secret(), expiresAt);
    }

    private static String secret() {
        byte[] value = new byte[32];
        RANDOM.nextBytes(value);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(value);
    }

    private List<String> tokens(long userId) {
        return jdbc.queryForList("SELECT token FROM challenge WHERE user_id = ?", String.class, userId);
    }

    private int count(String sql, Object... args) {
        Integer n = jdbc.queryForObject(sql, Integer.class, args);
        return n == null ? 0 : n;
    }

    /** A clock the test moves forward. */
    static final class MovableClock extends Clock {
        private volatile Instant now;

        MovableClock(Instant start) {
            this.now = start;
        }

        void move(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
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
