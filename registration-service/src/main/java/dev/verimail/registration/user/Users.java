package dev.verimail.registration.user;

import java.sql.Types;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

import dev.verimail.events.verification.EmailUndeliverable;
import dev.verimail.events.verification.EmailVerified;
import dev.verimail.outbox.UtcTime;

/**
 * The hot writes of {@code users}, with plain JDBC beside {@link UserRepository}: the sign-up insert and a poll's
 * batch of {@code EmailVerified} (and of the rarer {@code EmailUndeliverable}). Callers provide the transaction.
 * Instants are stored as UTC, whatever the JVM's time zone, as Hibernate stores them
 * ({@code hibernate.jdbc.time_zone=UTC}).
 */
@Repository
class Users {

    private final JdbcTemplate jdbc;

    Users(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Inserts {@code user}, PENDING, with its id and its challenge's event id. JDBC on purpose: one INSERT, no lookup
     * and no session, where the JPA entity's persist and flush cost more CPU than the statement (sign-up
     * 365 -> 472/s), see BENCHMARKS.md.
     *
     * @throws org.springframework.dao.DuplicateKeyException if the address is taken ({@code uk_users_email_key}) or,
     *                                                       astronomically rarely, the id
     */
    void insertPending(User user) {
        jdbc.update("""
                INSERT INTO users (id, name, email, email_key, status, registered_at, last_challenge_at,
                                   challenge_event_id, locale)
                VALUES (?, ?, ?, ?, 'PENDING', ?, ?, ?, ?)""", ps -> {
            ps.setLong(1, user.getId());
            ps.setString(2, user.getName());
            ps.setString(3, user.getEmail());
            ps.setString(4, Signup.emailKey(user.getEmail()));
            UtcTime.set(ps, 5, user.getRegisteredAt());
            UtcTime.set(ps, 6, user.getLastChallengeAt());
            ps.setString(7, user.getChallengeEventId().toString());
            ps.setString(8, user.getLocale());
        });
    }

    /**
     * Moves the events' PENDING or UNDELIVERABLE users to VERIFIED, in the given order (callers sort by user id, so
     * concurrent batches never deadlock); a VERIFIED one is left as it is, so replays change nothing. An
     * UNDELIVERABLE user who verifies after all got the email: verification-service only says so for a link that
     * worked. JDBC on purpose: one batch per Kafka poll, where the JPA version spent most of the consumer's CPU in
     * Hibernate (confirm -> VERIFIED p99 12.4 s -> 0.58 s), see BENCHMARKS.md.
     *
     * @return for each event, whether its user changed
     */
    boolean[] markVerified(List<EmailVerified> events) {
        return changed(jdbc.batchUpdate("""
                UPDATE users SET status = 'VERIFIED', verified_at = ?,
                                 undeliverable_at = NULL, undeliverable_reason = NULL, undeliverable_code = NULL
                WHERE id = ? AND status IN ('PENDING', 'UNDELIVERABLE')""",
                events, events.size(), (ps, event) -> {
                    UtcTime.set(ps, 1, event.verifiedAt().truncatedTo(ChronoUnit.MICROS));
                    ps.setLong(2, event.userId());
                }), events.size());
    }

    /**
     * Moves the events' PENDING users to UNDELIVERABLE, in the given order (callers sort by user id), when the event
     * is about the user's current link: the same address (in any letter case) and the latest challenge's event
     * ({@code deliveryEventId}); for a user whose latest challenge predates {@code challenge_event_id}, a report no
     * older than that challenge. A VERIFIED or already UNDELIVERABLE user is left as it is, so replays change nothing.
     * Plain JDBC, as {@link #markVerified}: one statement batch per poll.
     *
     * @return for each event, whether its user changed
     */
    boolean[] markUndeliverable(List<EmailUndeliverable> events) {
        return changed(jdbc.batchUpdate("""
                UPDATE users SET status = 'UNDELIVERABLE', undeliverable_at = ?, undeliverable_reason = ?,
                                 undeliverable_code = ?
                WHERE id = ? AND status = 'PENDING' AND email_key = ?
                  AND (challenge_event_id = ? OR (challenge_event_id IS NULL AND last_challenge_at <= ?))""",
                events, events.size(), (ps, event) -> {
                    Instant reportedAt = event.occurredAt().truncatedTo(ChronoUnit.MICROS);
                    UtcTime.set(ps, 1, reportedAt);
                    ps.setString(2, event.reason().name());
                    if (event.providerCode() == null) {
                        ps.setNull(3, Types.INTEGER);
                    }
                    else {
                        ps.setInt(3, event.providerCode());
                    }
                    ps.setLong(4, event.userId());
                    ps.setString(5, Signup.emailKey(event.email()));
                    ps.setString(6, event.deliveryEventId().toString());
                    UtcTime.set(ps, 7, reportedAt);
                }), events.size());
    }

    /**
     * Locks these users ({@code SELECT ... FOR UPDATE}) in id order, so a poll that changes them in two statement
     * batches takes their locks in one order, as a single batch does.
     */
    void lockInIdOrder(Collection<Long> ids) {
        if (!ids.isEmpty()) {
            jdbc.queryForList("SELECT id FROM users WHERE id IN (" + String.join(",", Collections.nCopies(ids.size(), "?"))
                    + ") ORDER BY id FOR UPDATE", Long.class, ids.stream().sorted().toArray());
        }
    }

    private static boolean[] changed(int[][] counts, int size) {
        boolean[] changed = new boolean[size];
        int i = 0;
        for (int[] chunk : counts) {
            for (int count : chunk) {
                changed[i++] = count != 0;
            }
        }
        return changed;
    }
}
