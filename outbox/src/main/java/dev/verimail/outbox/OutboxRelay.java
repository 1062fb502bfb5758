package dev.verimail.outbox;

import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Publishes committed outbox rows to Kafka and deletes them once acknowledged.
 * <p>
 * One thread per instance. Each round claims up to {@code batchSize} of the oldest rows with
 * {@code FOR UPDATE SKIP LOCKED} (other instances skip them), sends them in id order, waits for every ack, then
 * deletes them, all in one READ COMMITTED transaction: no gap locks, so sign-ups inserting new rows never wait for
 * the relay. If the broker does not ack in time the transaction rolls back and the rows stay for the next round,
 * after a backoff that grows to {@code maxBackoff}.
 */
public class OutboxRelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

    private final JdbcTemplate jdbc;
    private final KafkaTemplate<String, String> kafka;
    private final TransactionTemplate tx;
    private final OutboxProperties properties;
    private final Semaphore wakeUp = new Semaphore(0);
    private final Counter published;
    private final Counter failures;

    private final KafkaAdmin admin;
    private volatile boolean running;
    private long lastTopicCheck;
    private Thread thread;

    OutboxRelay(JdbcTemplate jdbc, KafkaTemplate<String, String> kafka, KafkaAdmin admin,
            PlatformTransactionManager transactions, OutboxProperties properties, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.kafka = kafka;
        this.admin = admin;
        this.properties = properties;
        this.tx = new TransactionTemplate(transactions);
        this.tx.setIsolationLevel(TransactionDefinition.ISOLATION_READ_COMMITTED);
        this.tx.setName("outbox-relay");
        this.published = Counter.builder("outbox.published").description("Events published to Kafka and removed from the outbox").register(meters);
        this.failures = Counter.builder("outbox.relay.failures").description("Relay rounds that failed and were rolled back").register(meters);
        meters.gauge("outbox.pending", this, OutboxRelay::pendingCount);
    }

    /** Called after a transaction that wrote outbox rows commits, so they go out without waiting for the next poll. */
    public void wakeUp() {
        if (wakeUp.availablePermits() == 0) {
            wakeUp.release();
        }
    }

    /**
     * Publishes one batch. Public so tests and tools can drive the relay deterministically.
     *
     * @return the number of rows published and deleted
     */
    public int publishBatch() {
        Integer count = tx.execute(status -> {
            List<Row> rows = jdbc.query("""
                    SELECT id, event_id, topic, message_key, event_type, occurred_at, payload
                    FROM outbox_event ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED""",
                    (rs, i) -> new Row(rs.getLong("id"), rs.getString("event_id"), rs.getString("topic"),
                            rs.getString("message_key"), rs.getString("event_type"), rs.getTimestamp("occurred_at"),
                            rs.getString("payload")),
                    properties.batchSize());
            if (rows.isEmpty()) {
                return 0;
            }
            List<CompletableFuture<?>> acks = new ArrayList<>(rows.size());
            for (Row row : rows) {
                acks.add(kafka.send(row.toRecord(properties.source())));
            }
            awaitAcks(acks);
            // One statement per id: an IN list may be run as a range scan that locks rows other relays hold.
            jdbc.batchUpdate("DELETE FROM outbox_event WHERE id = ?", rows, rows.size(),
                    (ps, row) -> ps.setLong(1, row.id()));
            return rows.size();
        });
        int n = count == null ? 0 : count;
        published.increment(n);
        return n;
    }

    private void awaitAcks(List<CompletableFuture<?>> acks) {
        try {
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new))
                    .get(properties.sendTimeout().toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OutboxPublishException("interrupted while waiting for the broker", e);
        }
        catch (ExecutionException e) {
            throw new OutboxPublishException(e.getCause().toString(), e.getCause());
        }
        catch (TimeoutException e) {
            throw new OutboxPublishException("no ack from the broker within " + properties.sendTimeout(), e);
        }
    }

    private void loop() {
        Duration backoff = Duration.ZERO;
        boolean failing = false;
        while (running) {
            try {
                int n = publishBatch();
                if (failing) {
                    log.info("Outbox relay recovered: publishing to Kafka again");
                    failing = false;
                }
                backoff = Duration.ZERO;
                if (n < properties.batchSize()) {
                    wakeUp.tryAcquire(properties.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
                    wakeUp.drainPermits();
                }
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            catch (RuntimeException e) {
                failures.increment();
                backoff = backoff.isZero() ? Duration.ofMillis(200) : min(backoff.multipliedBy(2), properties.maxBackoff());
                if (!failing) {
                    log.warn("Outbox relay cannot publish ({}); rows stay in the outbox and are retried, next attempt in {} ms",
                            e.getMessage(), backoff.toMillis());
                    failing = true;
                }
                else {
                    log.debug("Outbox relay still failing: {}", e.toString());
                }
                if (!sleep(backoff)) {
                    return;
                }
                ensureTopics();
            }
        }
    }

    /**
     * If the broker was down when the service started, the topics it declares were never created, and a broker
     * that does not auto-create topics would refuse every send. Retry the creation now and then while failing.
     */
    private void ensureTopics() {
        if (admin == null || System.currentTimeMillis() - lastTopicCheck < 10_000) {
            return;
        }
        lastTopicCheck = System.currentTimeMillis();
        try {
            admin.initialize();
        }
        catch (RuntimeException e) {
            log.debug("Could not check or create topics yet: {}", e.toString());
        }
    }

    private boolean sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
            return true;
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private double pendingCount() {
        try {
            Long n = jdbc.queryForObject("SELECT COUNT(*) FROM outbox_event", Long.class);
            return n == null ? Double.NaN : n;
        }
        catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    @Override
    public void start() {
        if (!properties.enabled()) {
            log.info("Outbox relay disabled (verimail.outbox.enabled=false): this instance does not publish");
            return;
        }
        running = true;
        thread = new Thread(this::loop, "outbox-relay");
        thread.setDaemon(true);
        thread.start();
        log.info("Outbox relay started: batch {} rows, poll every {} ms", properties.batchSize(),
                properties.pollInterval().toMillis());
    }

    @Override
    public void stop() {
        running = false;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(properties.sendTimeout().toMillis());
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            thread = null;
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        // Stop before the Kafka producer factory and the DataSource go away.
        return Integer.MAX_VALUE - 1000;
    }

    private record Row(long id, String eventId, String topic, String key, String type, Timestamp occurredAt,
            String payload) {

        ProducerRecord<String, String> toRecord(String source) {
            return CloudEventRecords.of(topic, key, eventId, type, source, occurredAt.toInstant(), payload);
        }
    }
}
