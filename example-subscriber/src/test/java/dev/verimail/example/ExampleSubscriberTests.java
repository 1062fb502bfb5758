package dev.verimail.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.verimail.events.CloudEventHeaders;
import dev.verimail.events.Topics;
import dev.verimail.events.verification.EmailChanged;
import dev.verimail.events.verification.EmailUndeliverable;
import dev.verimail.events.verification.EmailVerified;
import dev.verimail.testbed.TestKafka;
import tools.jackson.databind.json.JsonMapper;

class ExampleSubscriberTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    static TestKafka.Broker broker;

    @BeforeAll
    static void startBroker() {
        broker = TestKafka.start();
    }

    @AfterAll
    static void stopBroker() {
        broker.stop();
    }

    @Test
    void printsEachEmailVerifiedOnceWithItsCloudEventsHeadersAndStopsCleanly() throws Exception {
        Instant now = Instant.parse("2026-11-24T10:15:30.123Z");
        EmailVerified ada = new EmailVerified(UUID.randomUUID(), now, 42, "ada@example.com", now);
        EmailUndeliverable bounced = new EmailUndeliverable(UUID.randomUUID(), now, 42, "ada@example.con",
                UUID.randomUUID(), EmailUndeliverable.Reason.INVALID, "invalid", 406);
        EmailChanged moved = new EmailChanged(UUID.randomUUID(), now, 42, "ada@example.com", "ada@example.org", now);
        EmailVerified bob = new EmailVerified(UUID.randomUUID(), now.plusSeconds(1), 42, "bob@example.com", now.plusSeconds(1));
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                new StringSerializer(), new StringSerializer())) {
            // one key, so one partition: when bob's line is out, everything before it was handled
            producer.send(cloudEvent(ada)).get();
            producer.send(cloudEvent(ada)).get();
            producer.send(new ProducerRecord<>(Topics.VERIFICATION_EVENTS, "42", "{not json")).get();
            producer.send(new ProducerRecord<>(Topics.VERIFICATION_EVENTS, "42",
                    "{\"type\":\"EmailChanged\",\"eventId\":\"" + UUID.randomUUID() + "\",\"userId\":42}")).get();
            producer.send(cloudEvent(bounced, "/verimail/mailer-service")).get();
            producer.send(cloudEvent(moved, "/verimail/registration-service")).get();
            producer.send(cloudEvent(moved, "/verimail/registration-service")).get();
            producer.send(cloudEvent(bob)).get();
        }
        List<String> printed = new CopyOnWriteArrayList<>();
        ExampleSubscriber subscriber = new ExampleSubscriber(broker.bootstrapServers(), "example-" + UUID.randomUUID(),
                Topics.VERIFICATION_EVENTS, printed::add);
        Thread thread = new Thread(subscriber::run, "example-subscriber");
        thread.start();

        await().atMost(Duration.ofSeconds(30)).until(() -> printed.stream().anyMatch(l -> l.contains(bob.eventId().toString())));
        subscriber.stop();

        assertThat(subscriber.awaitStopped(Duration.ofSeconds(15))).as("stops when asked").isTrue();
        thread.join(5_000);
        assertThat(thread.isAlive()).isFalse();
        assertThat(printed).as("an EmailChanged without its addresses is skipped, a repeat too").hasSize(4);
        assertThat(printed.get(0)).startsWith("EmailVerified userId=42 email=ada@example.com")
                .contains("eventId=" + ada.eventId(), "ce_id=" + ada.eventId(), "ce_specversion=1.0",
                        "ce_type=verimail.verification.EmailVerified.v1", "ce_source=/verimail/verification-service",
                        "ce_time=2026-11-24T10:15:30.123Z", "content-type=application/json");
        assertThat(printed.get(1)).startsWith("EmailUndeliverable userId=42 email=ada@example.con reason=INVALID")
                .contains("ce_source=/verimail/mailer-service", "ce_type=verimail.mailer.EmailUndeliverable.v1");
        assertThat(printed.get(2)).startsWith("EmailChanged userId=42 previousEmail=ada@example.com "
                + "email=ada@example.org").contains("ce_source=/verimail/registration-service",
                        "ce_type=verimail.registration.EmailChanged.v1");
        assertThat(printed.get(3)).contains("email=bob@example.com", "ce_id=" + bob.eventId());
    }

    private static ProducerRecord<String, String> cloudEvent(EmailVerified event) {
        return cloudEvent(event, "/verimail/verification-service");
    }

    private static ProducerRecord<String, String> cloudEvent(dev.verimail.events.Event event, String source) {
        ProducerRecord<String, String> record = new ProducerRecord<>(Topics.VERIFICATION_EVENTS, event.key(),
                JSON.writeValueAsString(event));
        header(record, CloudEventHeaders.SPEC_VERSION, "1.0");
        header(record, CloudEventHeaders.ID, event.eventId().toString());
        header(record, CloudEventHeaders.TYPE, event.cloudEventType());
        header(record, CloudEventHeaders.SOURCE, source);
        header(record, CloudEventHeaders.TIME, event.occurredAt().toString());
        header(record, CloudEventHeaders.CONTENT_TYPE, "application/json");
        return record;
    }

    private static void header(ProducerRecord<String, String> record, String name, String value) {
        record.headers().add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
