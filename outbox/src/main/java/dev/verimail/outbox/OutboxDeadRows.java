package dev.verimail.outbox;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The rows the broker refused {@code verimail.outbox.max-attempts} times, kept in {@code outbox_dead} so the rows
 * behind them were not held up, and the operator's way to put them back.
 * <p>
 * Fix the cause first (raise the topic's {@code max.message.bytes}, create the topic, or correct the row in
 * {@code outbox_dead}), then call {@link #requeueDead()}: each row goes back to the end of the outbox with its
 * attempts reset and is published like a new one. Consumers deduplicate by {@code eventId}, so a requeue is safe to
 * repeat. Rows here keep their payload, which may hold a one-time secret: requeue or delete them, do not keep them.
 */
public class OutboxDeadRows {

    private static final Logger log = LoggerFactory.getLogger(OutboxDeadRows.class);

    private static final String COLUMNS = "event_id, topic, message_key, event_type, occurred_at, payload, traceparent";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final Runnable onRequeue;

    OutboxDeadRows(JdbcTemplate jdbc, PlatformTransactionManager transactions, Clock clock, Runnable onRequeue) {
        this.jdbc = jdbc;
        this.tx = new TransactionTemplate(transactions);
        this.tx.setIsolationLevel(TransactionDefinition.ISOLATION_READ_COMMITTED);
        this.clock = clock;
        this.onRequeue = onRequeue;
    }

    /**
     * Puts every dead row back into the outbox.
     *
     * @return how many rows were requeued
     */
    public int requeueDead() {
        return requeue(() -> jdbc.queryForList("SELECT id FROM outbox_dead ORDER BY id FOR UPDATE", Long.class));
    }

    /**
     * Puts one dead row back into the outbox.
     *
     * @param id the row's id in {@code outbox_dead} (its former id in {@code outbox_event})
     * @return whether there was such a row
     */
    public boolean requeueDead(long id) {
        return requeue(() -> jdbc.queryForList("SELECT id FROM outbox_dead WHERE id = ? FOR UPDATE", Long.class, id)) == 1;
    }

    /** How many rows are in {@code outbox_dead}. */
    public long countDead() {
        Long n = jdbc.queryForObject("SELECT COUNT(*) FROM outbox_dead", Long.class);
        return n == null ? 0 : n;
    }

    /**
     * Moves a row the broker refused for the last time, inside the relay's transaction, which holds the row's lock.
     * Logs its id, type and the error class, never its payload.
     */
    void moveAside(OutboxRow row, int attempts, Throwable error) {
        String errorClass = truncate(error.getClass().getName(), 255);
        jdbc.update("INSERT INTO outbox_dead (id, " + COLUMNS + ", created_at, attempts, last_error, moved_at) "
                + "SELECT id, " + COLUMNS + ", created_at, ?, ?, ? FROM outbox_event WHERE id = ?",
                attempts, errorClass, UtcTime.toColumn(Instant.now(clock)), row.id());
        jdbc.update("DELETE FROM outbox_event WHERE id = ?", row.id());
        log.error("Outbox row {} ({}, topic {}) moved to outbox_dead after {} attempts: the broker refused it with {}. "
                + "The rows behind it go on; fix the cause, then requeue it (OutboxDeadRows.requeueDead)",
                row.id(), row.type(), row.topic(), attempts, errorClass);
    }

    private int requeueIds(List<Long> ids) {
        java.time.LocalDateTime now = UtcTime.toColumn(Instant.now(clock));
        // created_at is the requeue time: the row waits from now, and the oldest-row gauge should say so.
        jdbc.batchUpdate("INSERT INTO outbox_event (" + COLUMNS + ", created_at, attempts) SELECT " + COLUMNS
                + ", ?, 0 FROM outbox_dead WHERE id = ?", ids, ids.size(), (ps, id) -> {
                    ps.setObject(1, now);
                    ps.setLong(2, id);
                });
        jdbc.batchUpdate("DELETE FROM outbox_dead WHERE id = ?", ids, ids.size(), (ps, id) -> ps.setLong(1, id));
        return ids.size();
    }

    /** Locks the chosen dead rows, then moves them, in one transaction: a row dying meanwhile is not lost. */
    private int requeue(Supplier<List<Long>> lockIds) {
        Integer n = tx.execute(status -> {
            List<Long> ids = lockIds.get();
            return ids.isEmpty() ? 0 : requeueIds(ids);
        });
        int requeued = n == null ? 0 : n;
        if (requeued > 0) {
            log.info("Requeued {} row(s) from outbox_dead", requeued);
            onRequeue.run();
        }
        return requeued;
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
