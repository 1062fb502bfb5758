package dev.verimail.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.verimail.events.Topics;
import dev.verimail.events.verification.EmailVerified;
import dev.verimail.outbox.CloudEventRecords;
import dev.verimail.outbox.EventJson;
import dev.verimail.testbed.ServiceTest;
import dev.verimail.testbed.TestHttp;
import dev.verimail.testbed.TopicReader;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@ServiceTest
class EmailVerifiedListenerTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate db;

    @Value("${spring.kafka.bootstrap-servers}")
    String bootstrapServers;

    TestHttp http;
    KafkaProducer<String, String> producer;

    @BeforeEach
    void setUp() {
        http = TestHttp.localhost(port);
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
                new StringSerializer(), new StringSerializer());
    }

    @AfterEach
    void tearDown() {
        producer.close();
    }

    @Test
    void emailVerifiedMarksTheUserVerifiedOnceAndReplaysChangeNothing() throws Exception {
        long id = register("verify-me@example.com");
        Instant verifiedAt = Instant.parse("2026-11-24T08:00:00.123456Z");
        EmailVerified event = new EmailVerified(UUID.randomUUID(), verifiedAt, id, "verify-me@example.com", verifiedAt);

        publish(EventJson.write(event), id);
        publish(EventJson.write(event), id);
        await().atMost(Duration.ofSeconds(30)).until(() -> "VERIFIED".equals(status(id)));

        JsonNode view = JSON.readTree(http.get("/api/registrations/" + id).body());
        assertThat(view.get("status").asString()).isEqualTo("VERIFIED");
        assertThat(db.queryForObject("SELECT verified_at FROM users WHERE id = ?", java.sql.Timestamp.class, id).toInstant())
                .isEqualTo(verifiedAt);

        EmailVerified later = new EmailVerified(UUID.randomUUID(), verifiedAt.plusSeconds(60), id,
                "verify-me@example.com", verifiedAt.plusSeconds(60));
        publish(EventJson.write(later), id);
        long marker = register("marker@example.com");
        publish(EventJson.write(new EmailVerified(UUID.randomUUID(), verifiedAt, marker, "marker@example.com", verifiedAt)), id);
        await().atMost(Duration.ofSeconds(30)).until(() -> "VERIFIED".equals(status(marker)));

        assertThat(db.queryForObject("SELECT verified_at FROM users WHERE id = ?", java.sql.Timestamp.class, id).toInstant())
                .as("a second EmailVerified does not move verifiedAt").isEqualTo(verifiedAt);
    }

    @Test
    void anUnreadableRecordGoesToTheDeadLetterTopicAndTheNextOneIsStillApplied() throws Exception {
        long id = register("after-poison@example.com");
        publish("{this is not json", id);
        publish("{\"type\":\"EmailVerified\",\"userId\":\"not-a-number\"}", id);
        Instant now = Instant.now();
        publish(EventJson.write(new EmailVerified(UUID.randomUUID(), now, id, "after-poison@example.com", now)), id);

        await().atMost(Duration.ofSeconds(30)).until(() -> "VERIFIED".equals(status(id)));
        try (TopicReader dlt = TopicReader.fromBeginning(bootstrapServers, Topics.VERIFICATION_EVENTS + ".DLT")) {
            var parked = dlt.await(r -> r.key().equals(Long.toString(id)), 2, Duration.ofSeconds(30));
            assertThat(parked).extracting(r -> r.value())
                    .contains((String) null, "{\"type\":\"EmailVerified\",\"userId\":\"not-a-number\"}");
            assertThat(parked).allSatisfy(r -> assertThat(TopicReader.header(r, "kafka_dlt-exception-message")).isNotBlank());
        }
    }

    @Test
    void aRecordWithAForeignSourceOrAnUnknownTypeNeverMarksAUserVerifiedAndIsDeadLetteredWithTheReason()
            throws Exception {
        long id = register("forged@example.com");
        Instant now = Instant.now();
        String forged = EventJson.write(new EmailVerified(UUID.randomUUID(), now, id, "forged@example.com", now));
        send(CloudEventRecords.of(Topics.VERIFICATION_EVENTS, Long.toString(id), UUID.randomUUID().toString(),
                EmailVerified.CLOUD_EVENT_TYPE, "/verimail/registration-service", now, forged));
        send(CloudEventRecords.of(Topics.VERIFICATION_EVENTS, Long.toString(id), UUID.randomUUID().toString(),
                EmailVerified.CLOUD_EVENT_TYPE, "//verimail/verification-service\n", now, forged));
        send(new ProducerRecord<>(Topics.VERIFICATION_EVENTS, Long.toString(id), forged));
        send(CloudEventRecords.of(Topics.VERIFICATION_EVENTS, Long.toString(id), UUID.randomUUID().toString(),
                "verimail.verification.EmailChanged.v1", VERIFICATION_SOURCE, now,
                "{\"type\":\"EmailChanged\",\"eventId\":\"" + UUID.randomUUID() + "\",\"userId\":" + id + "}"));
        long marker = register("after-forged@example.com");
        publish(EventJson.write(new EmailVerified(UUID.randomUUID(), now, marker, "after-forged@example.com", now)), marker);

        await().atMost(Duration.ofSeconds(30)).until(() -> "VERIFIED".equals(status(marker)));
        assertThat(status(id)).as("no record but verification-service's marks a user VERIFIED").isEqualTo("PENDING");
        try (TopicReader dlt = TopicReader.fromBeginning(bootstrapServers, Topics.VERIFICATION_EVENTS + ".DLT")) {
            var parked = dlt.await(r -> r.key().equals(Long.toString(id)), 4, Duration.ofSeconds(30));
            assertThat(parked).extracting(r -> TopicReader.header(r, "kafka_dlt-exception-message"))
                    // registration-service writes verification-events too (EmailChanged), but not EmailVerified
                    .anySatisfy(m -> assertThat(m).contains("ce_type '" + EmailVerified.CLOUD_EVENT_TYPE
                            + "' comes only from /verimail/verification-service, not from /verimail/registration-service"))
                    .anySatisfy(m -> assertThat(m).contains("ce_source '//verimail/verification-service?' is not"))
                    .anySatisfy(m -> assertThat(m).contains("ce_source (missing)"))
                    .anySatisfy(m -> assertThat(m).contains("ce_type 'verimail.verification.EmailChanged.v1' is not one"));
        }
    }

    static final String VERIFICATION_SOURCE = "/verimail/verification-service";

    /** As verification-service's relay publishes it: CloudEvents headers, its {@code ce_source}. */
    private void publish(String value, long key) throws Exception {
        send(CloudEventRecords.of(Topics.VERIFICATION_EVENTS, Long.toString(key), UUID.randomUUID().toString(),
                EmailVerified.CLOUD_EVENT_TYPE, VERIFICATION_SOURCE, Instant.now(), value));
    }

    private void send(ProducerRecord<String, String> record) throws Exception {
        producer.send(record).get();
    }

    private String status(long id) {
        return db.queryForObject("SELECT status FROM users WHERE id = ?", String.class, id);
    }

    private long register(String email) {
        HttpResponse<String> response = http.postJson("/api/registrations", "{\"name\":\"V\",\"email\":\"" + email + "\"}");
        assertThat(response.statusCode()).isEqualTo(202);
        return JSON.readTree(response.body()).get("id").asLong();
    }
}
