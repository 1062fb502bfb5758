package dev.verimail.registration.user;

import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

import dev.verimail.outbox.UtcTime;

/**
 * {@code email_changes} (V6) with plain JDBC, and the one update of {@code users} a confirmed change makes. Callers
 * provide the transaction. Instants as UTC, as {@link Users} stores them.
 */
@Repository
class EmailChanges {

    private static final String COLUMNS = "user_id, email, email_key, token, challenge_event_id, requested_at, expires_at";

    private static final RowMapper<EmailChange> ROW = (rs, n) -> new EmailChange(rs.getLong("user_id"),
            rs.getString("email"), rs.getString("email_key"), rs.getString("token"),
            UUID.fromString(rs.getString("challenge_event_id")), UtcTime.get(rs, "requested_at"),
            UtcTime.get(rs, "expires_at"));

    private final JdbcTemplate jdbc;

    EmailChanges(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    Optional<EmailChange> find(long userId) {
        return jdbc.query("SELECT " + COLUMNS + " FROM email_changes WHERE user_id = ?", ROW, userId).stream()
                .findFirst();
    }

    /** The user's pending change, locked ({@code FOR UPDATE}). */
    Optional<EmailChange> lock(long userId) {
        return jdbc.query("SELECT " + COLUMNS + " FROM email_changes WHERE user_id = ? FOR UPDATE", ROW, userId)
                .stream().findFirst();
    }

    /** These users' pending changes, locked, in user id order. */
    List<EmailChange> lockAll(Collection<Long> userIds) {
        if (userIds.isEmpty()) {
            return List.of();
        }
        return jdbc.query("SELECT " + COLUMNS + " FROM email_changes WHERE user_id IN ("
                + String.join(",", Collections.nCopies(userIds.size(), "?")) + ") ORDER BY user_id FOR UPDATE", ROW,
                userIds.stream().sorted().toArray());
    }

    /**
     * The change (of any user) to the address {@code emailKey}, locked; a locking read, so it sees changes committed
     * after this transaction began and keeps others from adding one until it ends.
     */
    Optional<EmailChange> lockByEmailKey(String emailKey) {
        return jdbc.query("SELECT " + COLUMNS + " FROM email_changes WHERE email_key = ? FOR UPDATE", ROW, emailKey)
                .stream().findFirst();
    }

    /**
     * @throws org.springframework.dao.DuplicateKeyException when another change holds the address
     *                                                       ({@code uk_email_changes_email_key})
     */
    void insert(EmailChange change) {
        jdbc.update("INSERT INTO email_changes (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)", ps -> {
            ps.setLong(1, change.userId());
            ps.setString(2, change.email());
            ps.setString(3, change.emailKey());
            ps.setString(4, change.token());
            ps.setString(5, change.challengeEventId().toString());
            UtcTime.set(ps, 6, change.requestedAt());
            UtcTime.set(ps, 7, change.expiresAt());
        });
    }

    boolean delete(long userId) {
        return jdbc.update("DELETE FROM email_changes WHERE user_id = ?", userId) == 1;
    }

    /** Up to {@code batch} changes whose link expired before {@code cutoff}, locked, skipping rows others hold. */
    List<EmailChange> lockExpired(Instant cutoff, int batch) {
        return jdbc.query("SELECT " + COLUMNS + " FROM email_changes WHERE expires_at < ? ORDER BY expires_at, user_id"
                + " LIMIT ? FOR UPDATE SKIP LOCKED", ROW, UtcTime.toColumn(cutoff), batch);
    }

    void deleteAll(Collection<Long> userIds) {
        if (!userIds.isEmpty()) {
            jdbc.update("DELETE FROM email_changes WHERE user_id IN ("
                    + String.join(",", Collections.nCopies(userIds.size(), "?")) + ")", userIds.toArray());
        }
    }

    /** The id of the user whose address is {@code emailKey}, locked ({@code FOR UPDATE}), if any. */
    Optional<Long> lockOwner(String emailKey) {
        return jdbc.queryForList("SELECT id FROM users WHERE email_key = ? FOR UPDATE", Long.class, emailKey).stream()
                .findFirst();
    }

    /** The address of user {@code userId}, locked ({@code FOR UPDATE}), if the user exists. */
    Optional<String> lockUserEmail(long userId) {
        return jdbc.queryForList("SELECT email FROM users WHERE id = ? FOR UPDATE", String.class, userId).stream()
                .findFirst();
    }

    /** Moves a user to a confirmed address: VERIFIED, verified at the confirm. */
    boolean moveUser(long userId, String email, String emailKey, Instant verifiedAt) {
        return jdbc.update("""
                UPDATE users SET email = ?, email_key = ?, status = 'VERIFIED', verified_at = ?,
                                 undeliverable_at = NULL, undeliverable_reason = NULL, undeliverable_code = NULL
                WHERE id = ?""", ps -> {
            ps.setString(1, email);
            ps.setString(2, emailKey);
            UtcTime.set(ps, 3, verifiedAt);
            ps.setLong(4, userId);
        }) == 1;
    }
}
