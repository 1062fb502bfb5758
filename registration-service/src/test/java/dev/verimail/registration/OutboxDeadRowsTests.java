package dev.verimail.registration;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.verimail.outbox.OutboxDeadRows;
import dev.verimail.outbox.OutboxRelay;
import dev.verimail.testbed.ServiceTest;
import dev.verimail.testbed.TopicReader;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * A row whose record the broker refuses for a reason of its own does not hold up the rows behind it: they are
 * published, it is retried and after {@code max-attempts} moved to {@code outbox_dead}, from where an operator can
 * requeue it. Rows that all fail alike are an outage, not their fault, and are never moved. The relay thread is off:
 * the test drives the rounds.
 */
@ServiceTest(properties = { "verimail.outbox.enabled=false", "verimail.outbox.max-attempts=3",
        "verimail.outbox.send-timeout=10s", "verimail.outbox.metrics-refresh=50ms",
        "logging.level.dev.verimail.outbox=DEBUG" })
class OutboxDeadRowsTests {

    static final String GOOD = "outbox-test-good";
    static final String SMALL = "outbox-test-small";
    static final String INVALID = "not a valid topic!";

    @Autowired
    JdbcTemplate db;

    @Autowired
    PlatformTransactionManager transactions;

    @Autowired
    OutboxRelay relay;

    @Autowired
    OutboxDeadRows deadRows;

    @Autowired
    MeterRegistry meters;

    @Autowired
    PrometheusMeterRegistry prometheus;

    @Value("${spring.kafka.bootstrap-servers}")
    String bootstrapServers;

    @BeforeEach
    void emptyOutboxAndTopics() throws Exception {
        inTx(() -> {
            db.update("DELETE FROM outbox_event");
            db.update("DELETE FROM outbox_dead");
        });
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            if (!admin.listTopics().names().get().contains(GOOD)) {
                admin.createTopics(List.of(new NewTopic(GOOD, 1, (short) 1),
                        new NewTopic(SMALL, 1, (short) 1).configs(Map.of("max.message.bytes", "1024")))).all().get();
            }
        }
    }

    @Test
    void refusedRowsMoveAsideAfterMaxAttemptsAndTheRowsBehindThemArePublished() {
        long tooLarge = insert(SMALL, "big", "x".repeat(5000), Instant.now());
        long badTopic = insert(INVALID, "bad", "{}", Instant.now());
        double deadBefore = meters.get("outbox.dead").counter().count();
        for (int round = 1; round <= 3; round++) {
            insert(GOOD, "good-" + round, "{\"round\":" + round + "}", Instant.now());
            assertThat(relay.publishBatch()).as("round %d publishes the good row behind the refused ones", round)
                    .isOne();
            if (round < 3) {
                assertThat(attempts(tooLarge)).isEqualTo(round);
                assertThat(attempts(badTopic)).isEqualTo(round);
            }
        }

        assertThat(db.queryForObject("SELECT COUNT(*) FROM outbox_event", Integer.class)).isZero();
        List<Map<String, Object>> dead = db.queryForList(
                "SELECT id, topic, attempts, last_error, moved_at FROM outbox_dead ORDER BY id");
        assertThat(dead).extracting(r -> ((Number) r.get("id")).longValue()).containsExactly(tooLarge, badTopic);
        assertThat(dead).allSatisfy(r -> {
            assertThat(((Number) r.get("attempts")).intValue()).isEqualTo(3);
            assertThat(r.get("moved_at")).isNotNull();
        });
        assertThat(dead.get(0).get("last_error")).isEqualTo("org.apache.kafka.common.errors.RecordTooLargeException");
        assertThat(dead.get(1).get("last_error")).isEqualTo("org.apache.kafka.common.errors.InvalidTopicException");
        assertThat(meters.get("outbox.dead").counter().count() - deadBefore).isEqualTo(2);
        assertThat(deadRows.countDead()).isEqualTo(2);
        try (TopicReader reader = TopicReader.fromBeginning(bootstrapServers, GOOD)) {
            assertThat(reader.await(r -> r.key().startsWith("good-"), 3, Duration.ofSeconds(30)))
                    .extracting(ConsumerRecord::key).containsExactly("good-1", "good-2", "good-3");
        }

        // the operator corrects the topic of one and requeues it: it is published like a new row
        inTx(() -> db.update("UPDATE outbox_dead SET topic = ? WHERE id = ?", GOOD, badTopic));
        assertThat(deadRows.requeueDead(badTopic)).isTrue();
        assertThat(deadRows.requeueDead(badTopic)).isFalse();
        assertThat(relay.publishBatch()).isOne();
        try (TopicReader reader = TopicReader.fromBeginning(bootstrapServers, GOOD)) {
            assertThat(reader.await(r -> r.key().equals("bad"), 1, Duration.ofSeconds(30))).hasSize(1);
        }
        // the rest go back with their attempts reset
        assertThat(deadRows.requeueDead()).isOne();
        assertThat(deadRows.countDead()).isZero();
        assertThat(db.queryForList("SELECT attempts FROM outbox_event", Integer.class)).containsExactly(0);
    }

    @Test
    void rowsThatAllFailAlikeAreNeverMovedAside() {
        long first = insert(INVALID, "a", "{}", Instant.now());
        long second = insert(INVALID, "b", "{}", Instant.now());
        for (int round = 0; round < 5; round++) {
            assertThat(relay.publishBatch()).isZero();
        }
        assertThat(attempts(first)).isZero();
        assertThat(attempts(second)).isZero();
        assertThat(deadRows.countDead()).isZero();
    }

    @Test
    void theOldestAgeGaugeReadsTheFirstRowAndZeroWhenEmpty() throws Exception {
        Thread.sleep(100);
        assertThat(gauge("outbox.oldest.age")).isZero();
        assertThat(gauge("outbox.pending.estimate")).isZero();

        insert(GOOD, "old", "{}", Instant.now().minusSeconds(120));
        insert(GOOD, "new", "{}", Instant.now());
        Thread.sleep(100);
        assertThat(gauge("outbox.oldest.age")).isBetween(119.0, 180.0);
        assertThat(gauge("outbox.pending.estimate")).isEqualTo(2);
        assertThat(gauge("outbox.dead.rows")).isZero();
        assertThat(prometheus.scrape()).contains("outbox_oldest_age_seconds", "outbox_pending_estimate",
                "outbox_dead_rows", "outbox_dead_total", "outbox_published_total");

        assertThat(relay.publishBatch()).isEqualTo(2);
        Thread.sleep(100);
        assertThat(gauge("outbox.oldest.age")).isZero();
    }

    private double gauge(String name) {
        return meters.get(name).gauge().value();
    }

    private int attempts(long id) {
        return db.queryForObject("SELECT attempts FROM outbox_event WHERE id = ?", Integer.class, id);
    }

    private long insert(String topic, String key, String payload, Instant createdAt) {
        String eventId = UUID.randomUUID().toString();
        inTx(() -> db.update("""
                INSERT INTO outbox_event (event_id, topic, message_key, event_type, occurred_at, payload, created_at)
                VALUES (?, ?, ?, 'test.Event.v1', ?, ?, ?)""", eventId, topic, key, Timestamp.from(createdAt), payload,
                Timestamp.from(createdAt)));
        return db.queryForObject("SELECT id FROM outbox_event WHERE event_id = ?", Long.class, eventId);
    }

    private void inTx(Runnable work) {
        new TransactionTemplate(transactions).executeWithoutResult(status -> work.run());
    }
}
