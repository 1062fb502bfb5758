package dev.verimail.verification;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.verimail.events.Topics;
import dev.verimail.events.registration.UserRegistered;
import dev.verimail.testbed.ServiceTest;
import dev.verimail.testbed.TestHttp;
import dev.verimail.testbed.TopicReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * Self-healing: a user whose {@code EmailVerified} was lost confirms again and the same event goes out again.
 * A double click within {@code reannounce-after} announces nothing twice.
 */
@ServiceTest(properties = "verification.reannounce-after=PT3S")
class ReannounceTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Autowired
    org.springframework.core.env.Environment environment;

    @Autowired
    JdbcTemplate jdbc;

    @Value("${spring.kafka.bootstrap-servers}")
    String bootstrapServers;

    @Test
    void aConfirmOfAnAlreadyVerifiedUserAnnouncesTheSameEventAgain() throws Exception {
        TestHttp http = TestHttp.localhost(port);
        UserRegistered event = TestEvents.registered("again@example.com");
        try (TestEvents events = new TestEvents(bootstrapServers)) {
            events.publish(event);
        }
        new TestDb(jdbc).awaitChallenge(event.token());
        String body = JSON.createObjectNode().put("token", event.token()).put("authcode", event.authcode()).toString();

        assertThat(http.postJson("/api/verifications", body).statusCode()).isEqualTo(200);
        assertThat(http.postJson("/api/verifications", body).statusCode()).as("double click").isEqualTo(200);
        try (TopicReader reader = TopicReader.fromBeginning(bootstrapServers, Topics.VERIFICATION_EVENTS)) {
            reader.await(r -> r.key().equals(event.key()), 1, Duration.ofSeconds(30));
            assertThat(reader.readFor(Duration.ofSeconds(2), r -> r.key().equals(event.key())))
                    .as("a double click within reannounce-after announces once").hasSize(1);
        }

        Thread.sleep(3_500);
        assertThat(http.postJson("/api/verifications", body).statusCode()).isEqualTo(200);
        try (TopicReader reader = TopicReader.fromBeginning(bootstrapServers, Topics.VERIFICATION_EVENTS)) {
            List<ConsumerRecord<String, String>> both = reader.await(r -> r.key().equals(event.key()), 2,
                    Duration.ofSeconds(30));
            assertThat(both).hasSize(2);
            assertThat(JSON.readTree(both.get(1).value())).as("the same event, eventId included")
                    .isEqualTo(JSON.readTree(both.get(0).value()));
            assertThat(TopicReader.header(both.get(1), "ce_id")).isEqualTo(TopicReader.header(both.get(0), "ce_id"));
        }
        assertThat(TestHttp.management(environment).get("/actuator/prometheus").body()).contains("verification_reannounced_total{application=\"verification-service\"} 1.0");
    }
}
