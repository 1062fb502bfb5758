package dev.verimail.verification.challenge;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The counters of wrong codes, all in the database so every instance shares them, all atomic in SQL so concurrent
 * wrong tries never count past the limit: per challenge ({@code challenge.code_failures}, at most
 * {@value #MAX_FAILURES}; the last one locks it), per address without a code and per client address (table
 * {@code code_failure}, one row per bucket, a fixed window from its first failure). Runs in the caller's
 * transaction. JDBC on purpose, as the rest of the confirm path.
 */
@Component
class CodeAttempts {

    /** Wrong codes a challenge (or an address without one) takes; the last of them locks it. */
    static final int MAX_FAILURES = 5;

    private static final String FAIL = """
            INSERT INTO code_failure (bucket, failures, window_ends) VALUES (?, 1, ?)
            ON DUPLICATE KEY UPDATE
                failures = IF(window_ends <= ?, 1, failures + 1),
                window_ends = IF(window_ends <= ?, ?, window_ends)
            """;

    private final JdbcTemplate jdbc;

    CodeAttempts(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** SHA-256 of the trimmed, lower-cased address: how a code's challenge is found (column {@code email_key}). */
    static byte[] emailKey(String email) {
        return sha256("email\0" + email.strip().toLowerCase(Locale.ROOT));
    }

    /**
     * Counts a wrong code against a challenge, unless it is locked already.
     *
     * @return whether the challenge is locked now (by this try or an earlier one)
     */
    boolean challengeFailed(long challengeId, Instant now) {
        // single-table UPDATE assignments run left to right: code_locked_at sees the incremented count
        int counted = jdbc.update("""
                UPDATE challenge SET code_failures = code_failures + 1,
                    code_locked_at = IF(code_failures >= ?, ?, code_locked_at)
                WHERE id = ? AND code_failures < ?""", ps -> {
            ps.setInt(1, MAX_FAILURES);
            SqlTime.set(ps, 2, now);
            ps.setLong(3, challengeId);
            ps.setInt(4, MAX_FAILURES);
        });
        if (counted == 0) {
            return true;
        }
        Integer failures = jdbc.queryForObject("SELECT code_failures FROM challenge WHERE id = ?", Integer.class,
                challengeId);
        return failures != null && failures >= MAX_FAILURES;
    }

    /** Whether a challenge is locked, read with its row lock (the caller holds its user's lock first). */
    boolean challengeLocked(long challengeId) {
        List<Integer> failures = jdbc.queryForList("SELECT code_failures FROM challenge WHERE id = ? FOR UPDATE",
                Integer.class, challengeId);
        return !failures.isEmpty() && failures.get(0) >= MAX_FAILURES;
    }

    /** Whether an address without a code took {@value #MAX_FAILURES} wrong codes in its window. */
    boolean addressLocked(byte[] emailKey, Instant now) {
        return failuresIn(addressBucket(emailKey), now) >= MAX_FAILURES;
    }

    /** Counts a wrong code for an address without a code; @return whether it is locked now. */
    boolean addressFailed(byte[] emailKey, Instant now, Duration window) {
        byte[] bucket = addressBucket(emailKey);
        fail(bucket, now, window);
        return failuresIn(bucket, now) >= MAX_FAILURES;
    }

    /** How long the client must wait if it used up its wrong codes, or {@code null} if it may try. */
    Duration clientBlocked(String client, int limit, Instant now) {
        List<Instant> ends = jdbc.query("SELECT window_ends FROM code_failure WHERE bucket = ? AND failures >= ? "
                + "AND window_ends > ?", ps -> {
                    ps.setBytes(1, clientBucket(client));
                    ps.setInt(2, limit);
                    SqlTime.set(ps, 3, now);
                }, (rs, i) -> SqlTime.get(rs, "window_ends"));
        return ends.isEmpty() ? null : Duration.between(now, ends.get(0));
    }

    /** Counts a wrong code for a client address. */
    void clientFailed(String client, Instant now, Duration window) {
        fail(clientBucket(client), now, window);
    }

    /** Deletes counters whose window ended: up to {@code batch} rows. */
    int deleteEnded(Instant now, int batch) {
        return jdbc.update("DELETE FROM code_failure WHERE window_ends < ? LIMIT ?", ps -> {
            SqlTime.set(ps, 1, now);
            ps.setInt(2, batch);
        });
    }

    private void fail(byte[] bucket, Instant now, Duration window) {
        Instant ends = now.plus(window);
        jdbc.update(FAIL, ps -> {
            ps.setBytes(1, bucket);
            SqlTime.set(ps, 2, ends);
            SqlTime.set(ps, 3, now);
            SqlTime.set(ps, 4, now);
            SqlTime.set(ps, 5, ends);
        });
    }

    private int failuresIn(byte[] bucket, Instant now) {
        List<Integer> failures = jdbc.query("SELECT failures FROM code_failure WHERE bucket = ? AND window_ends > ?",
                ps -> {
                    ps.setBytes(1, bucket);
                    SqlTime.set(ps, 2, now);
                }, (rs, i) -> rs.getInt(1));
        return failures.isEmpty() ? 0 : failures.get(0);
    }

    private static byte[] addressBucket(byte[] emailKey) {
        byte[] bucket = sha256("address\0" + java.util.HexFormat.of().formatHex(emailKey));
        return bucket;
    }

    private static byte[] clientBucket(String client) {
        return sha256("client\0" + client);
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
