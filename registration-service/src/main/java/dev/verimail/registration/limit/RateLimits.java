package dev.verimail.registration.limit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The abuse limits' counters, in the database so every instance shares them (table {@code rate_limit}; the generic
 * cell rate algorithm, one row per bucket). Runs in the caller's transaction: a sign-up that fails afterwards gives
 * its unit back with its rollback.
 *
 * JDBC on purpose (BENCHMARKS.md, "Where JDBC stays"): the limits are on every sign-up and resend. One statement
 * when the bucket is new, two otherwise. The upsert takes the row's exclusive lock at
 * once, so concurrent requests for one bucket queue rather than deadlock, and decides in the database: {@code allowed}
 * is set first and {@code tat} moves only when it is true (MySQL and MariaDB evaluate the assignments of
 * {@code ON DUPLICATE KEY UPDATE} left to right). {@code hits} changes on every update, so an update always reports
 * 2 rows and an insert 1, with or without the drivers' "found rows" mode.
 */
@Component
public class RateLimits {

    private static final String TAKE = """
            INSERT INTO rate_limit (bucket, tat, allowed, hits) VALUES (?, ?, ?, 1)
            ON DUPLICATE KEY UPDATE
                hits = hits + 1,
                allowed = GREATEST(tat, ?) <= ?,
                tat = IF(allowed, GREATEST(tat, ?) + ?, tat)
            """;

    private static final String READ = "SELECT allowed, tat FROM rate_limit WHERE bucket = ?";

    private final JdbcTemplate jdbc;

    RateLimits(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Takes one unit of {@code limit} for {@code bucket}, in the current transaction.
     *
     * @throws RateLimitedException when the bucket is empty; nothing is taken then
     */
    public void take(Limit limit, String bucket, Instant now) {
        take(limit, bucket, now, null);
    }

    /**
     * As {@link #take(Limit, String, Instant)}, and if the bucket has no row yet, as if it had recorded a use at
     * {@code unrecordedUse} too (a sign-up, which does not write its bucket; see {@code AbuseLimits}).
     */
    public void take(Limit limit, String bucket, Instant now, Instant unrecordedUse) {
        if (limit.isOff()) {
            return;
        }
        byte[] key = digest(bucket);
        long nowMicros = ChronoUnit.MICROS.between(Instant.EPOCH, now);
        long interval = limit.intervalMicros();
        long burst = limit.burstMicros();
        // what a new row starts from: empty, or holding the unrecorded use
        long base = unrecordedUse == null ? nowMicros
                : Math.max(nowMicros, ChronoUnit.MICROS.between(Instant.EPOCH, unrecordedUse) + interval);
        boolean fresh = base <= nowMicros + burst;
        int rows = jdbc.update(TAKE, key, fresh ? base + interval : base, fresh, nowMicros, nowMicros + burst, nowMicros,
                interval);
        if (rows == 1) {
            // inserted (an update reports 2: hits always changes)
            if (!fresh) {
                throw new RateLimitedException(Duration.of(Math.max(1, base - burst - nowMicros), ChronoUnit.MICROS));
            }
            return;
        }
        Decision decision = jdbc.queryForObject(READ, (rs, n) -> new Decision(rs.getBoolean(1), rs.getLong(2)), key);
        if (decision == null || !decision.allowed()) {
            long wait = decision == null ? interval : Math.max(1, decision.tat() - burst - nowMicros);
            throw new RateLimitedException(Duration.of(wait, ChronoUnit.MICROS));
        }
    }

    /** Deletes buckets that are full again (their time is in the past): up to {@code batch} rows. */
    public int deleteRefilled(Instant now, int batch) {
        return jdbc.update("DELETE FROM rate_limit WHERE tat < ? LIMIT ?", ChronoUnit.MICROS.between(Instant.EPOCH, now), batch);
    }

    private static byte[] digest(String bucket) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bucket.getBytes(StandardCharsets.UTF_8));
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private record Decision(boolean allowed, long tat) {
    }
}
