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
import dev.verimail.testbed.TopicReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * The consumer policy against a failure that outlasts the old 60 s give-up: the {@code users} table is gone for
 * 75 s while an {@code EmailVerified} waits. The record is never dead-lettered, the stall shows in readiness and
 * in the gauge, and the user ends VERIFIED once the table is back.
 */
@ServiceTest(properties = "verimail.messaging.retry-max=5s")
class ConsumerOutageTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration OUTAGE = Duration.ofSeconds(75);

    @LocalServerPort
    int port;

    @Autowired
    org.springframework.core.env.Environment environment;

    @Autowired
    JdbcTemplate db;

    @Value("${spring.kafka.bootstrap-servers}")
    String bootstrapServers;

    @Test
    void aFailureLongerThanAMinuteIsWaitedOutNeverDeadLettered() throws Exception {
        TestHttp http = TestHttp.localhost(port);
        HttpResponse<String> signup = http.postJson("/api/registrations", "{\"name\":\"W\",\"email\":\"wait@example.com\"}");
        assertThat(signup.statusCode()).isEqualTo(202);
        long id = JSON.readTree(signup.body()).get("id").asLong();
        assertThat(TestHttp.management(environment).get("/actuator/health/readiness").statusCode()).isEqualTo(200);

        ddl("RENAME TABLE users TO users_away");
        Instant broken = Instant.now();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), new StringSerializer(),
                new StringSerializer())) {
            Instant now = Instant.now();
            EmailVerified verified = new EmailVerified(UUID.randomUUID(), now, id, "wait@example.com", now);
            producer.send(CloudEventRecords.of(Topics.VERIFICATION_EVENTS, Long.toString(id),
                    verified.eventId().toString(), verified.cloudEventType(), "/verimail/verification-service", now,
                    EventJson.write(verified))).get();
        }

        await("readiness DOWN while the consumer is stuck").atMost(Duration.ofSeconds(40))
                .until(() -> TestHttp.management(environment).get("/actuator/health/readiness").statusCode() == 503);
        await().atMost(OUTAGE).pollInterval(Duration.ofSeconds(1))
                .until(() -> Duration.between(broken, Instant.now()).compareTo(OUTAGE) >= 0);
        String scrape = TestHttp.management(environment).get("/actuator/prometheus").body();
        assertThat(stalledSeconds(scrape)).as("the gauge counts the stall").isGreaterThan(60);
        ddl("RENAME TABLE users_away TO users");

        await("applied once the table is back").atMost(Duration.ofSeconds(30))
                .until(() -> "VERIFIED".equals(db.queryForObject("SELECT status FROM users WHERE id = ?", String.class, id)));
        await("readiness UP again").atMost(Duration.ofSeconds(15))
                .until(() -> TestHttp.management(environment).get("/actuator/health/readiness").statusCode() == 200);
        assertThat(stalledSeconds(TestHttp.management(environment).get("/actuator/prometheus").body())).isZero();
        try (TopicReader dlt = TopicReader.fromBeginning(bootstrapServers, Topics.VERIFICATION_EVENTS + ".DLT")) {
            assertThat(dlt.readFor(Duration.ofSeconds(3), r -> r.key().equals(Long.toString(id))))
                    .as("a readable record is never dead-lettered").isEmpty();
        }
    }

    private void ddl(String sql) {
        db.execute(sql);
    }

    private static double stalledSeconds(String scrape) {
        return scrape.lines().filter(l -> l.startsWith("verimail_consumer_stalled_seconds{")
                && l.contains("topic=\"" + Topics.VERIFICATION_EVENTS + "\"")).mapToDouble(l -> Double.parseDouble(
                        l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElse(-1);
    }
}
