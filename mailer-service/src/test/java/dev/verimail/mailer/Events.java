package dev.verimail.mailer;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.verimail.events.Topics;
import dev.verimail.events.registration.RegistrationEvent;
import dev.verimail.events.registration.RegistrationTopicEvent;
import dev.verimail.events.registration.SignupAttempted;
import dev.verimail.events.registration.UserRegistered;
import dev.verimail.events.registration.VerificationReissued;
import dev.verimail.outbox.CloudEventRecords;
import dev.verimail.outbox.EventJson;
import dev.verimail.testbed.SealedChallenges;

/**
 * Publishes registration events the way registration-service does: JSON value, user id key, CloudEvents headers
 * ({@link CloudEventRecords}, the relay's own), challenges as v2 with the test bed's secret key.
 */
final class Events implements AutoCloseable {

    private static final AtomicLong USERS = new AtomicLong(ThreadLocalRandom.current().nextLong(1_000, 1_000_000));

    /** registration-service's {@code ce_source}, the only one the mailer believes. */
    static final String SOURCE = "/verimail/registration-service";

    private final KafkaProducer<String, String> producer;

    Events(String bootstrapServers) {
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
                new StringSerializer(), new StringSerializer());
    }

    static long newUserId() {
        return USERS.incrementAndGet();
    }

    static UserRegistered registered(long userId, String name, String email, String token, String authcode) {
        Instant now = Instant.now();
        return new UserRegistered(UUID.randomUUID(), now, userId, name, email, token, authcode, now.plus(Duration.ofHours(24)));
    }

    static UserRegistered registered(long userId, String email, Instant expiresAt) {
        return new UserRegistered(UUID.randomUUID(), Instant.now(), userId, "Test User", email,
                "tok-" + UUID.randomUUID(), "SECRET-AUTH-" + UUID.randomUUID(), expiresAt);
    }

    static VerificationReissued reissued(long userId, String name, String email, String token, String authcode) {
        Instant now = Instant.now();
        return new VerificationReissued(UUID.randomUUID(), now, userId, name, email, token, authcode,
                now.plus(Duration.ofHours(24)));
    }

    /** Someone tried to sign up with {@code email}, registered to {@code userId} under {@code name}. */
    static SignupAttempted signupAttempted(long userId, String name, String email) {
        return new SignupAttempted(UUID.randomUUID(), Instant.now(), userId, email, name);
    }

    /**
     * An operator is moving {@code userId} from {@code previousEmail} to {@code email}: a sealed challenge (as
     * registration-service writes it, never with the authcode in clear) with the previous address for the notice.
     */
    static dev.verimail.events.registration.EmailChangeRequested changeRequested(long userId, String name, String email,
            String previousEmail, String token, String authcode) {
        Instant now = Instant.now();
        return new dev.verimail.events.registration.EmailChangeRequested(UUID.randomUUID(), now, userId, name, email,
                previousEmail, token, now.plus(Duration.ofHours(24)),
                dev.verimail.events.secret.AuthcodeDigest.of(authcode),
                SealedChallenges.BOX.seal(authcode, dev.verimail.events.secret.SecretBox.authcodeContext(userId, token)),
                null, null, null);
    }

    /** As registration-service publishes it: a challenge as v2, its authcode hashed and sealed with the test key. */
    void publish(RegistrationTopicEvent event) {
        publishAsIs(event instanceof RegistrationEvent challenge ? SealedChallenges.v2(challenge) : event);
    }

    /** As registration-service publishes it, with the 6-digit code {@code code} sealed beside the authcode. */
    void publishWithCode(RegistrationEvent event, String code) {
        RegistrationEvent v2 = SealedChallenges.v2(event);
        String sealed = SealedChallenges.BOX.seal(code, dev.verimail.events.secret.SecretBox.codeContext(v2.userId(),
                v2.token()));
        // the keyed hash is verification-service's business; any well-formed value does here
        String hash = "h".repeat(43);
        publishAsIs(v2 instanceof UserRegistered registered ? registered.withCode(sealed, hash)
                : ((VerificationReissued) v2).withCode(sealed, hash));
    }

    /** As the event says: a v1 challenge (authcode in clear) as an earlier registration-service wrote it. */
    void publishAsIs(RegistrationTopicEvent event) {
        publishWithSource(event, SOURCE);
    }

    /** With another {@code ce_source}: a producer the mailer must not believe. */
    void publishWithSource(RegistrationTopicEvent event, String source) {
        send(CloudEventRecords.of(Topics.REGISTRATION_EVENTS, event.key(), event.eventId().toString(),
                event.cloudEventType(), source, event.occurredAt(), EventJson.write(event)));
    }

    /** Any value, with registration-service's CloudEvents headers for a v2 {@code UserRegistered}. */
    void publishRaw(String key, String value) {
        send(CloudEventRecords.of(Topics.REGISTRATION_EVENTS, key, UUID.randomUUID().toString(),
                UserRegistered.CLOUD_EVENT_TYPE, SOURCE, Instant.now(), value));
    }

    /** Any value and headers, or none. */
    void publishRaw(ProducerRecord<String, String> record) {
        send(record);
    }

    private void send(ProducerRecord<String, String> record) {
        try {
            producer.send(record).get();
        }
        catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
