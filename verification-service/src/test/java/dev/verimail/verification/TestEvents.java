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
import dev.verimail.events.registration.RegistrationEvent;
import dev.verimail.events.registration.UserRegistered;
import dev.verimail.events.registration.VerificationReissued;
import dev.verimail.events.secret.SecretBox;
import dev.verimail.outbox.CloudEventRecords;
import dev.verimail.outbox.EventJson;
import dev.verimail.testbed.SealedChallenges;
import dev.verimail.testbed.TestBedInitializer;
import dev.verimail.web.link.SignedTokens;

/** Plays registration-service in tests: publishes its events on {@code registration-events}, as JSON, key = user id. */
final class TestEvents implements AutoCloseable {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final AtomicLong USER_IDS = new AtomicLong(1000);
    /** Signs tokens as registration-service does, with the key the test bed gives the service. */
    static final SignedTokens TOKENS = SignedTokens.of(TestBedInitializer.LINK_KEY);

    /** registration-service's {@code ce_source}, the only one verification-service believes. */
    static final String SOURCE = "/verimail/registration-service";

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

    /** As registration-service publishes it: a challenge as v2 (the authcode only hashed and sealed). */
    void publish(Event event) {
        publishAsIs(event instanceof RegistrationEvent challenge ? SealedChallenges.v2(challenge) : event);
    }

    /** A random 6-digit code, as registration-service draws them. */
    static String code() {
        return String.format("%06d", RANDOM.nextInt(1_000_000));
    }

    /** As registration-service publishes it, with the 6-digit code {@code code}: sealed, and its keyed hash. */
    void publishWithCode(RegistrationEvent event, String code) {
        RegistrationEvent v2 = SealedChallenges.v2(event);
        String sealed = SealedChallenges.BOX.seal(code, SecretBox.codeContext(v2.userId(), v2.token()));
        String hash = TOKENS.codeHash(v2.token(), code);
        publishAsIs(v2 instanceof UserRegistered registered ? registered.withCode(sealed, hash)
                : ((VerificationReissued) v2).withCode(sealed, hash));
    }

    /** As the event says: a v1 challenge (authcode in clear) as an earlier registration-service wrote it. */
    void publishAsIs(Event event) {
        publishWithSource(event, SOURCE);
    }

    /** With another {@code ce_source}: a producer verification-service must not believe. */
    void publishWithSource(Event event, String source) {
        send(CloudEventRecords.of(Topics.REGISTRATION_EVENTS, event.key(), event.eventId().toString(),
                event.cloudEventType(), source, event.occurredAt(), EventJson.write(event)));
    }

    /**
     * Any value, with registration-service's CloudEvents headers for a {@code UserRegistered}: v1 when the value
     * has an {@code authcode}, else v2.
     */
    void publishRaw(String key, String value) {
        String type = value.contains("\"authcode\"") ? UserRegistered.CLOUD_EVENT_TYPE_V1 : UserRegistered.CLOUD_EVENT_TYPE;
        send(CloudEventRecords.of(Topics.REGISTRATION_EVENTS, key, UUID.randomUUID().toString(), type, SOURCE,
                Instant.now(), value));
    }

    /** Any record, headers as given. */
    void send(ProducerRecord<String, String> record) {
        try {
            producer.send(record).get();
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
