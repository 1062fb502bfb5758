package dev.verimail.registration.user;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Calendar;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.TimeZone;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Repository;

import dev.verimail.events.verification.EmailVerified;

/**
 * The {@code users} table, with plain JDBC: sign-up is the hottest path of the service, and the JPA entity's
 * insert, flush and session cost more CPU than the statements themselves (see BENCHMARKS.md). Callers provide the
 * transaction. Instants are stored as UTC, whatever the JVM's time zone.
 */
@Repository
class Users {

    private static final TimeZone UTC = TimeZone.getTimeZone("UTC");
    private static final String COLUMNS = "id, name, email, status, registered_at, verified_at, last_challenge_at";

    private final JdbcTemplate jdbc;

    Users(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Inserts a PENDING user.
     *
     * @return the new user's id
     * @throws org.springframework.dao.DuplicateKeyException if the address is taken ({@code uk_users_email_key})
     */
    long insertPending(Signup signup, Instant now) {
        KeyHolder key = new GeneratedKeyHolder();
        jdbc.update(connection -> {
            PreparedStatement insert = connection.prepareStatement("""
                    INSERT INTO users (name, email, email_key, status, registered_at, last_challenge_at)
                    VALUES (?, ?, ?, 'PENDING', ?, ?)""", Statement.RETURN_GENERATED_KEYS);
            insert.setString(1, signup.name());
            insert.setString(2, signup.email());
            insert.setString(3, signup.emailKey());
            insert.setTimestamp(4, Timestamp.from(now), utc());
            insert.setTimestamp(5, Timestamp.from(now), utc());
            return insert;
        }, key);
        return key.getKeyAs(Number.class).longValue();
    }

    Optional<User> find(long id) {
        return jdbc.query("SELECT " + COLUMNS + " FROM users WHERE id = ?", Users::user, id).stream().findFirst();
    }

    /** {@code SELECT ... FOR UPDATE}: whoever changes a user's challenge holds this lock. */
    Optional<User> lockByEmailKey(String emailKey) {
        return jdbc.query("SELECT " + COLUMNS + " FROM users WHERE email_key = ? FOR UPDATE", Users::user, emailKey)
                .stream().findFirst();
    }

    void challengeIssued(long id, Instant at) {
        jdbc.update("UPDATE users SET last_challenge_at = ? WHERE id = ?", ps -> {
            ps.setTimestamp(1, Timestamp.from(at), utc());
            ps.setLong(2, id);
        });
    }

    /**
     * Moves the events' PENDING users to VERIFIED, in the given order (callers sort by user id, so concurrent batches
     * never deadlock); a VERIFIED one is left as it is, so replays change nothing.
     *
     * @return for each event, whether its user changed
     */
    boolean[] markVerified(List<EmailVerified> events) {
        int[][] counts = jdbc.batchUpdate(
                "UPDATE users SET status = 'VERIFIED', verified_at = ? WHERE id = ? AND status = 'PENDING'",
                events, events.size(), (ps, event) -> {
                    ps.setTimestamp(1, Timestamp.from(event.verifiedAt().truncatedTo(ChronoUnit.MICROS)), utc());
                    ps.setLong(2, event.userId());
                });
        boolean[] changed = new boolean[events.size()];
        int i = 0;
        for (int[] chunk : counts) {
            for (int count : chunk) {
                changed[i++] = count != 0;
            }
        }
        return changed;
    }

    /** Which of these ids are registered here. */
    List<Long> existing(Collection<Long> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return jdbc.queryForList("SELECT id FROM users WHERE id IN (" + String.join(",", Collections.nCopies(ids.size(), "?"))
                + ")", Long.class, ids.toArray());
    }

    private static User user(ResultSet rs, int row) throws SQLException {
        return new User(rs.getLong("id"), rs.getString("name"), rs.getString("email"),
                UserStatus.valueOf(rs.getString("status")), instant(rs, "registered_at"), instant(rs, "verified_at"),
                instant(rs, "last_challenge_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp value = rs.getTimestamp(column, utc());
        return value == null ? null : value.toInstant();
    }

    /** A fresh calendar per call: drivers may use the one they are given as scratch space. */
    private static Calendar utc() {
        return Calendar.getInstance(UTC);
    }
}
