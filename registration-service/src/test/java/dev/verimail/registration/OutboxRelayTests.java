package dev.verimail.registration;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.verimail.events.CloudEventHeaders;
import dev.verimail.events.Topics;
import dev.verimail.outbox.OutboxRelay;
import dev.verimail.testbed.ServiceTest;
import dev.verimail.testbed.TestHttp;
import dev.verimail.testbed.TopicReader;

/**
 * Several relays draining one outbox at once (as several instances of the service would) publish every row
 * exactly once: {@code FOR UPDATE SKIP LOCKED} hands each row to one of them.
 */
@ServiceTest(properties = { "verimail.outbox.enabled=false", "verimail.outbox.batch-size=7" })
class OutboxRelayTests {

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate db;

    @Autowired
    OutboxRelay relay;

    @Value("${spring.kafka.bootstrap-servers}")
    String bootstrapServers;

    @Test
    void concurrentRelaysPublishEveryRowExactlyOnce() throws Exception {
        TestHttp http = TestHttp.localhost(port);
        int signups = 120;
        for (int i = 0; i < signups; i++) {
            assertThat(http.postJson("/api/registrations", "{\"name\":\"R\",\"email\":\"relay" + i + "@example.com\"}")
                    .statusCode()).isEqualTo(202);
        }
        List<String> eventIds = db.queryForList("SELECT event_id FROM outbox_event", String.class);
        assertThat(eventIds).hasSize(signups);

        ExecutorService pool = Executors.newFixedThreadPool(4);
        AtomicInteger published = new AtomicInteger();
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            workers.add(pool.submit(() -> {
                int n;
                do {
                    n = relay.publishBatch();
                    published.addAndGet(n);
                }
                while (n > 0);
                return null;
            }));
        }
        for (Future<?> worker : workers) {
            worker.get();
        }
        pool.shutdown();

        assertThat(published.get()).isEqualTo(signups);
        assertThat(db.queryForObject("SELECT COUNT(*) FROM outbox_event", Integer.class)).isZero();
        try (TopicReader reader = TopicReader.fromBeginning(bootstrapServers, Topics.REGISTRATION_EVENTS)) {
            List<ConsumerRecord<String, String>> records = reader.await(
                    r -> eventIds.contains(TopicReader.header(r, CloudEventHeaders.ID)), signups, Duration.ofSeconds(30));
            List<ConsumerRecord<String, String>> all = reader.readFor(Duration.ofSeconds(2),
                    r -> eventIds.contains(TopicReader.header(r, CloudEventHeaders.ID)));
            Map<String, Integer> perEvent = new HashMap<>();
            all.forEach(r -> perEvent.merge(TopicReader.header(r, CloudEventHeaders.ID), 1, Integer::sum));
            assertThat(records).hasSize(signups);
            assertThat(perEvent).hasSize(signups).allSatisfy((id, count) -> assertThat(count).as(id).isOne());
        }
    }
}
