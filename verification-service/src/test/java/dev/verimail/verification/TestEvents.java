package dev.verimail.verification;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.verimail.events.Event;
import dev.verimail.events.Topics;
import dev.verimail.events.registration.UserRegistered;
import dev.verimail.events.registration.VerificationReissued;
import dev.verimail.outbox.EventJson;
import dev.verimail.testbed.TestBedInitializer;
import dev.verimail.web.link.SignedTokens;

/** Plays registration-service in tests: publishes its events on {@code registration-events}, as JSON, key = user id. */
final class TestEvents implements AutoCloseable {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final AtomicLong USER_IDS = new AtomicLong(1000);
    /** Signs tokens as registration-service does, with the key the test bed gives the service. */
    static final SignedTokens TOKENS = SignedTokens.of(TestBedInitializer.LINK_KEY);

    private final KafkaProducer<String, String> producer;

    TestEvents(String bootstrapServers) {
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
                new StringSerializer(), new StringSerializer());
    }

    static long newUserId() {
        return USER_IDS.incrementAndGet();
    }

    static String secret(int bytes) {
        byte[] value = new byte[bytes];
        RANDOM.nextBytes(value);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(value);
    }

    static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    /** A sign-up of a new user whose link works for an hour. */
    static UserRegistered registered(String email) {
        Instant now = now();
        return registered(newUserId(), "Test User", email, now, now.plus(1, ChronoUnit.HOURS));
    }

    static UserRegistered registered(long userId, String name, String email, Instant occurredAt, Instant expiresAt) {
        return new UserRegistered(UUID.randomUUID(), occurredAt, userId, name, email, TOKENS.issue(expiresAt),
                secret(32), expiresAt);
    }

    static VerificationReissued reissued(long userId, String email, Instant occurredAt) {
        Instant expiresAt = occurredAt.plus(1, ChronoUnit.HOURS);
        return new VerificationReissued(UUID.randomUUID(), occurredAt, userId, "Test User", email,
                TOKENS.issue(expiresAt), secret(32), expiresAt);
    }

    void publish(Event event) {
        publishRaw(event.key(), EventJson.write(event));
    }

    void publishRaw(String key, String value) {
        try {
            producer.send(new ProducerRecord<>(Topics.REGISTRATION_EVENTS, key, value)).get();
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
