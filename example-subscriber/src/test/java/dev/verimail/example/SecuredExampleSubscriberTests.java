package dev.verimail.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.verimail.localkafka.KafkaAccess;
import dev.verimail.localkafka.LocalKafka;
import dev.verimail.testbed.SecuredKafkaTestBed;

/**
 * The example subscriber on a broker with SASL/SCRAM and ACLs, logged in as its own principal {@code subscriber}
 * ({@code KAFKA_USERNAME}/{@code KAFKA_PASSWORD} in its {@code main}): it reads {@code verification-events} in its
 * group and may read nothing else.
 */
class SecuredExampleSubscriberTests {

    @TempDir
    static Path dir;

    static LocalKafka kafka;

    @BeforeAll
    static void start() throws Exception {
        kafka = LocalKafka.secured(dir, LocalKafka.freePort(), LocalKafka.freePort(), 3,
                SecuredKafkaTestBed.ADMIN_PASSWORD).start();
        kafka.grant(KafkaAccess.verimail(), SecuredKafkaTestBed.PASSWORDS);
        try (Admin admin = Admin.create(kafka.adminClientProperties())) {
            admin.createTopics(List.of(new NewTopic(KafkaAccess.VERIFICATION_EVENTS, 3, (short) 1),
                    new NewTopic(KafkaAccess.REGISTRATION_EVENTS, 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.stop();
        }
    }

    @Test
    void readsVerificationEventsWithItsOwnCredentials() throws Exception {
        UUID eventId = UUID.randomUUID();
        // published as verification-service's principal, the only one that may write the topic
        Map<String, Object> producerConfig = new HashMap<>(
                SecuredKafkaTestBed.clientProperties(kafka.bootstrapServers(), KafkaAccess.VERIFICATION));
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig, new StringSerializer(),
                new StringSerializer())) {
            producer.send(new ProducerRecord<>(KafkaAccess.VERIFICATION_EVENTS, "42",
                    "{\"type\":\"EmailVerified\",\"eventId\":\"" + eventId + "\",\"occurredAt\":\"2026-11-24T10:15:30Z\","
                            + "\"userId\":42,\"email\":\"ada@example.com\",\"verifiedAt\":\"2026-11-24T10:15:30Z\"}"))
                    .get(30, TimeUnit.SECONDS);
        }
        List<String> printed = new CopyOnWriteArrayList<>();
        ExampleSubscriber subscriber = new ExampleSubscriber(kafka.bootstrapServers(), KafkaAccess.SUBSCRIBER_GROUP,
                ExampleSubscriber.credentials(KafkaAccess.SUBSCRIBER, SecuredKafkaTestBed.SUBSCRIBER_PASSWORD),
                KafkaAccess.VERIFICATION_EVENTS, printed::add);
        Thread thread = new Thread(subscriber::run, "secured-example-subscriber");
        thread.start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> printed.stream().anyMatch(l -> l.contains(eventId.toString())));
        }
        finally {
            subscriber.stop();
            assertThat(subscriber.awaitStopped(Duration.ofSeconds(15))).isTrue();
        }
        assertThat(printed.get(0)).startsWith("EmailVerified userId=42 email=ada@example.com");
    }

    @Test
    void mayNotReadRegistrationEvents() {
        ExampleSubscriber subscriber = new ExampleSubscriber(kafka.bootstrapServers(), KafkaAccess.SUBSCRIBER_GROUP,
                ExampleSubscriber.credentials(KafkaAccess.SUBSCRIBER, SecuredKafkaTestBed.SUBSCRIBER_PASSWORD),
                KafkaAccess.REGISTRATION_EVENTS, line -> {
                });
        assertThatThrownBy(subscriber::run).isInstanceOf(TopicAuthorizationException.class);
    }

    @Test
    void withoutAUsernameItLogsInToNothingAndAPasswordIsRequired() {
        assertThat(ExampleSubscriber.credentials(null, null)).isEmpty();
        assertThat(ExampleSubscriber.credentials("acme", "pw")).containsEntry("security.protocol", "SASL_PLAINTEXT")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-256");
        assertThatThrownBy(() -> ExampleSubscriber.credentials("acme", "")).hasMessageContaining("KAFKA_PASSWORD");
    }
}
