package dev.verimail.registration;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.junit.jupiter.api.io.TempDir;

import dev.verimail.events.CloudEventHeaders;
import dev.verimail.events.Topics;
import dev.verimail.events.registration.RegistrationEvent;
import dev.verimail.outbox.EventJson;
import dev.verimail.testbed.SealedChallenges;
import dev.verimail.testbed.ServiceTest;
import dev.verimail.testbed.TestHttp;
import dev.verimail.testbed.KafkaBrokerProcess;
import dev.verimail.testbed.TopicReader;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The broker is not there when people sign up, and later goes away again: sign-ups are still accepted at once, every
 * event is published once the broker is back, and an outage never moves a row to {@code outbox_dead}, even with
 * {@code max-attempts=1}, where any counted failure would.
 */
@ServiceTest(properties = {
        "spring.kafka.bootstrap-servers=localhost:${verimail.test.outage-port}",
        "spring.kafka.admin.operation-timeout=2s",
        "verimail.outbox.max-attempts=1" })
class KafkaOutageTests {

    static {
        System.setProperty("verimail.test.outage-port", Integer.toString(KafkaBrokerProcess.freePort()));
    }

    @TempDir
    Path tempDir;

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate db;

    @Test
    void signupsAreAcceptedWhileKafkaIsDownAndPublishedWhenItIsBack() throws Exception {
        TestHttp http = TestHttp.localhost(port);
        List<String> ids = signUp(http, "offline", 5);
        assertThat(db.queryForObject("SELECT COUNT(*) FROM outbox_event", Integer.class)).isEqualTo(5);
        List<String> payloads = db.queryForList("SELECT payload FROM outbox_event", String.class);
        assertThat(payloads).as("the waiting rows hold the link's secret only hashed and sealed").allSatisfy(p -> {
            JsonNode event = JsonMapper.builder().build().readTree(p);
            assertThat(event.has("authcode")).isFalse();
            assertThat(event.get("authcodeHash").asString()).hasSize(43);
            String authcode = SealedChallenges.authcode(EventJson.read(p, RegistrationEvent.class));
            assertThat(p).doesNotContain(authcode);
        });
        Thread.sleep(8_000); // the relay keeps trying meanwhile
        assertNothingMovedAside(5);

        int kafkaPort = Integer.parseInt(System.getProperty("verimail.test.outage-port"));
        try (KafkaBrokerProcess broker = KafkaBrokerProcess.on(kafkaPort, tempDir).start();
                TopicReader reader = TopicReader.fromBeginning(broker.bootstrapServers(), Topics.REGISTRATION_EVENTS)) {
            List<ConsumerRecord<String, String>> records = reader.await(r -> ids.contains(r.key()), 5, Duration.ofSeconds(60));
            Set<String> eventIds = new HashSet<>();
            records.forEach(r -> eventIds.add(TopicReader.header(r, CloudEventHeaders.ID)));
            assertThat(records).extracting(ConsumerRecord::key).containsExactlyInAnyOrderElementsOf(ids);
            assertThat(eventIds).hasSize(5);
            assertThat(db.queryForObject("SELECT COUNT(*) FROM outbox_event", Integer.class)).isZero();

            // the broker goes away while the relay is publishing, and comes back on the same data
            broker.stop();
            List<String> later = signUp(http, "later", 3);
            Thread.sleep(8_000);
            assertNothingMovedAside(3);
            broker.start();
            List<ConsumerRecord<String, String>> after = reader.await(r -> later.contains(r.key()), 3, Duration.ofSeconds(60));
            assertThat(after).extracting(ConsumerRecord::key).containsAll(later);
            // a record sent as the broker went away may have landed although its ack never came: it is on the topic
            // while its row waits for the next round, which publishes it again (consumers dedupe by eventId)
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(
                    () -> db.queryForObject("SELECT COUNT(*) FROM outbox_event", Integer.class) == 0);
            assertThat(db.queryForObject("SELECT COUNT(*) FROM outbox_dead", Integer.class)).isZero();
        }
    }

    private List<String> signUp(TestHttp http, String prefix, int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long started = System.nanoTime();
            HttpResponse<String> response = http.postJson("/api/registrations",
                    "{\"name\":\"Offline " + i + "\",\"email\":\"" + prefix + i + "@example.com\"}");
            assertThat(response.statusCode()).isEqualTo(202);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("no broker call on the request path")
                    .isLessThan(Duration.ofSeconds(3));
            ids.add(Long.toString(JsonMapper.builder().build().readTree(response.body()).get("id").asLong()));
        }
        return ids;
    }

    private void assertNothingMovedAside(int waiting) {
        assertThat(db.queryForObject("SELECT COUNT(*) FROM outbox_event", Integer.class)).isEqualTo(waiting);
        assertThat(db.queryForObject("SELECT COUNT(*) FROM outbox_event WHERE attempts > 0", Integer.class)).isZero();
        assertThat(db.queryForObject("SELECT COUNT(*) FROM outbox_dead", Integer.class)).isZero();
    }

}
