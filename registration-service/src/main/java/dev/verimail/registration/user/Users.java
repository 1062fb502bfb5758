package dev.verimail.registration.user;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

import dev.verimail.events.verification.EmailVerified;
import dev.verimail.outbox.UtcTime;

/**
 * The two hot writes of {@code users}, with plain JDBC beside {@link UserRepository}: the sign-up insert and a poll's
 * batch of {@code EmailVerified}. Callers provide the transaction. Instants are stored as UTC, whatever the JVM's
 * time zone, as Hibernate stores them ({@code hibernate.jdbc.time_zone=UTC}).
 */
@Repository
class Users {


    private final JdbcTemplate jdbc;

    Users(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Inserts a PENDING user with the given id. JDBC on purpose: one INSERT, no lookup and no session, where the JPA
     * entity's persist and flush cost more CPU than the statement (sign-up 365 -> 472/s), see BENCHMARKS.md.
     *
     * @throws org.springframework.dao.DuplicateKeyException if the address is taken ({@code uk_users_email_key}) or,
     *                                                       astronomically rarely, the id
     */
    void insertPending(long id, Signup signup, Instant now) {
        jdbc.update("""
                INSERT INTO users (id, name, email, email_key, status, registered_at, last_challenge_at)
                VALUES (?, ?, ?, ?, 'PENDING', ?, ?)""", ps -> {
            ps.setLong(1, id);
            ps.setString(2, signup.name());
            ps.setString(3, signup.email());
            ps.setString(4, signup.emailKey());
            UtcTime.set(ps, 5, now);
            UtcTime.set(ps, 6, now);
        });
    }

    /**
     * Moves the events' PENDING users to VERIFIED, in the given order (callers sort by user id, so concurrent batches
     * never deadlock); a VERIFIED one is left as it is, so replays change nothing. JDBC on purpose: one batch per
     * Kafka poll, where the JPA version spent most of the consumer's CPU in Hibernate (confirm -> VERIFIED p99
     * 12.4 s -> 0.58 s), see BENCHMARKS.md.
     *
     * @return for each event, whether its user changed
     */
    boolean[] markVerified(List<EmailVerified> events) {
        int[][] counts = jdbc.batchUpdate(
                "UPDATE users SET status = 'VERIFIED', verified_at = ? WHERE id = ? AND status = 'PENDING'",
                events, events.size(), (ps, event) -> {
                    UtcTime.set(ps, 1, event.verifiedAt().truncatedTo(ChronoUnit.MICROS));
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

}
