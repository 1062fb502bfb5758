package dev.verimail.outbox;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The outbox's gauges, read from the database at most once per {@code metricsRefresh} however often they are
 * scraped, and without counting the outbox: the first row by primary key and {@code MAX(id)} are index lookups.
 * <ul>
 * <li>{@code outbox.oldest.age} (Prometheus {@code outbox_oldest_age_seconds}): seconds since the first row in
 * publishing order was written (or requeued); 0 when the outbox is empty. Growing means nothing is published.</li>
 * <li>{@code outbox.pending.estimate} ({@code outbox_pending_estimate}): {@code MAX(id) - MIN(id) + 1}, an upper
 * bound of the rows waiting (ids of rows already published in between are counted too); 0 when empty.</li>
 * <li>{@code outbox.dead.rows} ({@code outbox_dead_rows}): rows in {@code outbox_dead}; that table is empty or small,
 * so counting it is cheap.</li>
 * </ul>
 * A value the database could not give is NaN, so a scrape never fails on it.
 */
final class OutboxGauges {

    private record Snapshot(long readAtNanos, Instant oldest, double pendingEstimate, double deadRows) {
    }

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final long refreshNanos;
    private Snapshot snapshot;

    OutboxGauges(JdbcTemplate jdbc, Clock clock, Duration refresh, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.refreshNanos = refresh.toNanos();
        Gauge.builder("outbox.oldest.age", this, OutboxGauges::oldestAgeSeconds).baseUnit("seconds")
                .description("Age of the first unpublished outbox row; 0 when the outbox is empty")
                .strongReference(true).register(meters);
        Gauge.builder("outbox.pending.estimate", this, g -> g.current().pendingEstimate())
                .description("Upper bound of unpublished outbox rows (max id - min id + 1)")
                .strongReference(true).register(meters);
        Gauge.builder("outbox.dead.rows", this, g -> g.current().deadRows())
                .description("Rows moved to outbox_dead, waiting for an operator").strongReference(true).register(meters);
    }

    double oldestAgeSeconds() {
        Snapshot s = current();
        if (s.oldest() == null) {
            return Double.isNaN(s.pendingEstimate()) ? Double.NaN : 0;
        }
        return Math.max(0, Duration.between(s.oldest(), Instant.now(clock)).toMillis() / 1000.0);
    }

    private synchronized Snapshot current() {
        long now = System.nanoTime();
        if (snapshot == null || now - snapshot.readAtNanos() >= refreshNanos) {
            snapshot = read(now);
        }
        return snapshot;
    }

    private Snapshot read(long now) {
        try {
            List<Object[]> first = jdbc.query("SELECT id, created_at FROM outbox_event ORDER BY id LIMIT 1",
                    (rs, i) -> new Object[] { rs.getLong(1), UtcTime.get(rs, 2) });
            Long dead = jdbc.queryForObject("SELECT COUNT(*) FROM outbox_dead", Long.class);
            double deadRows = dead == null ? 0 : dead;
            if (first.isEmpty()) {
                return new Snapshot(now, null, 0, deadRows);
            }
            Long max = jdbc.queryForObject("SELECT MAX(id) FROM outbox_event", Long.class);
            long min = (Long) first.get(0)[0];
            double estimate = max == null ? 1 : Math.max(1, max - min + 1);
            return new Snapshot(now, (Instant) first.get(0)[1], estimate, deadRows);
        }
        catch (RuntimeException e) {
            return new Snapshot(now, null, Double.NaN, Double.NaN);
        }
    }
}
