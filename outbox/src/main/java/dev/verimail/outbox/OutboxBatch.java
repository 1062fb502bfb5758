package dev.verimail.outbox;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;

/**
 * One round of the relay, in one READ COMMITTED transaction: claim up to {@code batchSize} of the oldest rows with
 * {@code FOR UPDATE SKIP LOCKED} (other instances skip them; no gap locks, so sign-ups never wait), send them in id
 * order, wait for each ack, then settle each row on its own outcome and commit:
 * <ul>
 * <li>acknowledged: deleted, so it is published once (again only if the process dies before the commit);</li>
 * <li>refused for a reason of its own ({@link PublishFailures#isRecordSpecific}): its {@code attempts} grows, and at
 * {@code maxAttempts} it moves to {@code outbox_dead};</li>
 * <li>anything else (an outage, no ack in time): left as it was, retried next round, never counted.</li>
 * </ul>
 * When every row of a round of several fails the same way the round is treated as an outage whatever the error:
 * what all records share is not the records' fault (a topic's size limit lowered by mistake, say). An acknowledged
 * row that follows a failed row of the same topic and key is kept too and sent again after it, so the last copy on
 * the topic keeps the key's order.
 */
final class OutboxBatch {

    private static final Logger log = LoggerFactory.getLogger(OutboxBatch.class);

    /** What a round did; {@code claimed} counts every row it held. */
    record Result(int claimed, int published, int failed, int dead, Throwable firstFailure) {

        static final Result EMPTY = new Result(0, 0, 0, 0, null);

        /** Nothing went out although there were rows: the loop backs off. */
        boolean stalled() {
            return published == 0 && failed > 0;
        }
    }

    private final JdbcTemplate jdbc;
    private final KafkaTemplate<String, String> kafka;
    private final TransactionTemplate tx;
    private final OutboxProperties properties;
    private final OutboxDeadRows deadRows;
    private final Counter published;
    private final Counter dead;
    private final Traces traces;

    OutboxBatch(JdbcTemplate jdbc, KafkaTemplate<String, String> kafka, TransactionTemplate tx,
            OutboxProperties properties, OutboxDeadRows deadRows, MeterRegistry meters, Traces traces) {
        this.traces = traces;
        this.jdbc = jdbc;
        this.kafka = kafka;
        this.tx = tx;
        this.properties = properties;
        this.deadRows = deadRows;
        this.published = Counter.builder("outbox.published")
                .description("Events published to Kafka and removed from the outbox").register(meters);
        this.dead = Counter.builder("outbox.dead")
                .description("Rows moved to outbox_dead after max-attempts refusals of their record").register(meters);
    }

    Result run() {
        Result result = tx.execute(status -> {
            List<OutboxRow> rows = jdbc.query("""
                    SELECT id, event_id, topic, message_key, event_type, occurred_at, payload, attempts, traceparent
                    FROM outbox_event ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED""",
                    (rs, i) -> new OutboxRow(rs.getLong("id"), rs.getString("event_id"), rs.getString("topic"),
                            rs.getString("message_key"), rs.getString("event_type"), UtcTime.get(rs, "occurred_at"),
                            rs.getString("payload"), rs.getInt("attempts"), rs.getString("traceparent")),
                    properties.batchSize());
            return rows.isEmpty() ? Result.EMPTY : settle(rows, awaitAcks(send(rows)));
        });
        published.increment(result.published());
        dead.increment(result.dead());
        return result;
    }

    private List<CompletableFuture<?>> send(List<OutboxRow> rows) {
        List<CompletableFuture<?>> acks = new ArrayList<>(rows.size());
        for (OutboxRow row : rows) {
            // the producer span continues the trace of the work that wrote the row; the record carries it on
            Span span = traces.start(row.topic() + " publish", row.traceparent(), Span.Kind.PRODUCER)
                    .tag("messaging.system", "kafka").tag("messaging.destination.name", row.topic())
                    .tag("cloudevents.event_type", row.type());
            try (Tracer.SpanInScope scope = traces.tracer().withSpan(span)) {
                ProducerRecord<String, String> record = row.toRecord(properties.source());
                Traces.inject(span, record);
                acks.add(kafka.send(record).whenComplete((result, error) -> {
                    if (error != null) {
                        span.error(error);
                    }
                    span.end();
                }));
            }
            catch (RuntimeException e) {
                span.error(e);
                span.end();
                acks.add(CompletableFuture.failedFuture(e));
            }
        }
        return acks;
    }

    /** The failure of each send, {@code null} where the broker acknowledged; all within one {@code sendTimeout}. */
    private Throwable[] awaitAcks(List<CompletableFuture<?>> acks) {
        long deadline = System.nanoTime() + properties.sendTimeout().toNanos();
        Throwable[] errors = new Throwable[acks.size()];
        for (int i = 0; i < errors.length; i++) {
            try {
                acks.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new OutboxPublishException("interrupted while waiting for the broker", e);
            }
            catch (ExecutionException e) {
                errors[i] = PublishFailures.unwrap(e.getCause());
            }
            catch (TimeoutException e) {
                errors[i] = new TimeoutException("no ack from the broker within " + properties.sendTimeout());
            }
        }
        return errors;
    }

    private Result settle(List<OutboxRow> rows, Throwable[] errors) {
        boolean uniform = rows.size() > 1 && failedAlike(errors);
        Set<String> blockedKeys = new HashSet<>();
        List<OutboxRow> delivered = new ArrayList<>();
        List<OutboxRow> refused = new ArrayList<>();
        int failed = 0;
        int moved = 0;
        Throwable first = null;
        for (int i = 0; i < rows.size(); i++) {
            OutboxRow row = rows.get(i);
            String key = row.topic() + '\u0000' + row.key();
            Throwable error = errors[i];
            if (error == null) {
                if (!blockedKeys.contains(key)) {
                    delivered.add(row);
                }
                continue;
            }
            blockedKeys.add(key);
            failed++;
            first = first == null ? error : first;
            if (uniform || !PublishFailures.isRecordSpecific(error)) {
                log.debug("Outbox row {} not acknowledged ({}); kept, not counted as an attempt", row.id(), error.toString());
                continue;
            }
            int attempts = row.attempts() + 1;
            if (attempts >= properties.maxAttempts()) {
                deadRows.moveAside(row, attempts, error);
                moved++;
            }
            else {
                log.warn("Outbox row {} ({}) refused by the broker with {} (attempt {} of {}); the rows behind it go on",
                        row.id(), row.type(), error.getClass().getName(), attempts, properties.maxAttempts());
                refused.add(row);
            }
        }
        // One statement per id: an IN list may be run as a range scan that locks rows other relays hold.
        byId("DELETE FROM outbox_event WHERE id = ?", delivered);
        byId("UPDATE outbox_event SET attempts = attempts + 1 WHERE id = ?", refused);
        return new Result(rows.size(), delivered.size(), failed, moved, first);
    }

    private void byId(String sql, List<OutboxRow> rows) {
        if (!rows.isEmpty()) {
            jdbc.batchUpdate(sql, rows, rows.size(), (ps, row) -> ps.setLong(1, row.id()));
        }
    }

    private static boolean failedAlike(Throwable[] errors) {
        for (Throwable error : errors) {
            if (error == null || error.getClass() != errors[0].getClass()) {
                return false;
            }
        }
        return true;
    }
}
