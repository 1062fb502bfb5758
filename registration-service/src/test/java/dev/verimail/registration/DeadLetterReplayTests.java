package dev.verimail.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
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
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Dead letters of {@code verification-events} (as an older version, which gave up after a minute, left them) are
 * replayed by the operator command, every user ends VERIFIED, and a second replay sends nothing again.
 */
@ServiceTest
class DeadLetterReplayTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String DLT = Topics.VERIFICATION_EVENTS + ".DLT";

    @LocalServerPort
    int port;

    @Autowired
    org.springframework.core.env.Environment environment;

    @Autowired
    JdbcTemplate db;

    @Value("${spring.kafka.bootstrap-servers}")
    String bootstrapServers;

    @Test
    void replayingTheDeadLetterTopicVerifiesEveryUserOnceAndASecondReplaySendsNothing() throws Exception {
        TestHttp http = TestHttp.localhost(port);
        List<Long> users = new ArrayList<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), new StringSerializer(),
                new StringSerializer())) {
            for (int i = 0; i < 5; i++) {
                HttpResponse<String> signup = http.postJson("/api/registrations",
                        "{\"name\":\"D\",\"email\":\"dead-" + i + "@example.com\"}");
                long id = JSON.readTree(signup.body()).get("id").asLong();
                users.add(id);
                Instant at = Instant.now();
                EmailVerified verified = new EmailVerified(UUID.randomUUID(), at, id, "dead-" + i + "@example.com", at);
                ProducerRecord<String, String> dead = CloudEventRecords.of(DLT, Long.toString(id),
                        verified.eventId().toString(), verified.cloudEventType(), "/verimail/verification-service", at,
                        EventJson.write(verified));
                dead.headers().add("kafka_dlt-original-topic", Topics.VERIFICATION_EVENTS.getBytes(StandardCharsets.UTF_8));
                dead.headers().add("kafka_dlt-exception-message", "gave up after 60 s".getBytes(StandardCharsets.UTF_8));
                producer.send(dead).get();
            }
        }
        Thread.sleep(2_000);
        assertThat(users).allMatch(id -> "PENDING".equals(status(id)));

        HttpResponse<String> replay = TestHttp.management(environment).post("/actuator/deadletters/" + DLT, "application/json", "");
        assertThat(replay.statusCode()).as(replay.body()).isEqualTo(200);
        JsonNode result = JSON.readTree(replay.body());
        assertThat(result.get("replayed").asInt()).isEqualTo(5);
        assertThat(result.get("targetTopic").asString()).isEqualTo(Topics.VERIFICATION_EVENTS);

        await().atMost(Duration.ofSeconds(30)).until(() -> users.stream().allMatch(id -> "VERIFIED".equals(status(id))));
        HttpResponse<String> again = TestHttp.management(environment).post("/actuator/deadletters/" + DLT, "application/json", "");
        assertThat(JSON.readTree(again.body()).get("replayed").asInt()).as("already replayed").isZero();
        assertThat(TestHttp.management(environment).post("/actuator/deadletters/not-a-dead-letter-topic", "application/json", "").statusCode())
                .isEqualTo(400);
    }

    private String status(long id) {
        return db.queryForObject("SELECT status FROM users WHERE id = ?", String.class, id);
    }
}
