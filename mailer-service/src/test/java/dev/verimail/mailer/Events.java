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

import dev.verimail.events.CloudEventHeaders;
import dev.verimail.events.Topics;
import dev.verimail.events.registration.RegistrationEvent;
import dev.verimail.events.registration.RegistrationTopicEvent;
import dev.verimail.events.registration.SignupAttempted;
import dev.verimail.events.registration.UserRegistered;
import dev.verimail.events.registration.VerificationReissued;
import dev.verimail.outbox.EventJson;

/** Publishes registration events the way registration-service does: JSON value, user id key, CloudEvents headers. */
final class Events implements AutoCloseable {

    private static final AtomicLong USERS = new AtomicLong(ThreadLocalRandom.current().nextLong(1_000, 1_000_000));

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

    void publish(RegistrationTopicEvent event) {
        ProducerRecord<String, String> record = new ProducerRecord<>(Topics.REGISTRATION_EVENTS, event.key(),
                EventJson.write(event));
        record.headers().add(CloudEventHeaders.SPEC_VERSION, bytes(CloudEventHeaders.SPEC_VERSION_1_0))
                .add(CloudEventHeaders.ID, bytes(event.eventId().toString()))
                .add(CloudEventHeaders.TYPE, bytes(event.cloudEventType()))
                .add(CloudEventHeaders.SOURCE, bytes("/verimail/registration-service"))
                .add(CloudEventHeaders.TIME, bytes(event.occurredAt().toString()))
                .add(CloudEventHeaders.CONTENT_TYPE, bytes(CloudEventHeaders.APPLICATION_JSON));
        send(record);
    }

    void publishRaw(String key, String value) {
        send(new ProducerRecord<>(Topics.REGISTRATION_EVENTS, key, value));
    }

    private void send(ProducerRecord<String, String> record) {
        try {
            producer.send(record).get();
        }
        catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        producer.close();
    }
}
