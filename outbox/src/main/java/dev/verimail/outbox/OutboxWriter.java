package dev.verimail.outbox;

import java.time.Clock;
import java.time.Instant;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import dev.verimail.events.Event;

/**
 * Appends events to the outbox inside the caller's transaction. It refuses to run without one: an event written
 * outside the business transaction would be a dual write. The row keeps the current trace ({@link Traces}), which the
 * relay continues when it publishes the record.
 */
public class OutboxWriter {

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final Runnable onCommit;
    private final Traces traces;

    OutboxWriter(JdbcTemplate jdbc, Clock clock, Runnable onCommit, Traces traces) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.onCommit = onCommit;
        this.traces = traces;
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void append(String topic, Event event) {
        jdbc.update("""
                INSERT INTO outbox_event (event_id, topic, message_key, event_type, occurred_at, payload, created_at,
                    traceparent)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                event.eventId().toString(), topic, event.key(), event.cloudEventType(),
                UtcTime.toColumn(event.occurredAt()), EventJson.write(event), UtcTime.toColumn(Instant.now(clock)),
                traces.current());
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                onCommit.run();
            }
        });
    }
}
