package dev.verimail.mailer.delivery;

import static dev.verimail.mailer.delivery.Deliveries.db;
import static dev.verimail.mailer.delivery.Deliveries.instant;
import static dev.verimail.mailer.delivery.Deliveries.truncate;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

import javax.sql.DataSource;

import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

import dev.verimail.mailer.config.MailerProperties;

/**
 * Who may send a delivery, and what came of it. A claim is a claim token plus a lease (the row's
 * {@code next_attempt_at}); a claim is valid while the token is the row's, the lease is not over and the row is
 * open. Every call to the transport is preceded by one conditional statement that checks exactly that and extends
 * the lease ({@link #claimNew} for a delivery just recorded, {@link #hold} before any other attempt), so a sender
 * that waited (for a slot, a retry pause, a connection) and lost its claim meanwhile sends nothing. Every outcome
 * is conditional on the token. Each statement is its own short READ COMMITTED transaction: no connection is held
 * across a call to the transport.
 * <p>
 * JDBC on purpose: the claims ({@code FOR UPDATE SKIP LOCKED}, conditional {@code UPDATE ... WHERE claim_token = ?})
 * and the outcome writes run two to three times per email on the send path (1,200 emails/s in the mailer-alone
 * benchmark), see BENCHMARKS.md.
 */
@Repository
class Claims {

    private static final int MAX_ERROR = 1000;
    private static final String OPEN = "status IN ('PENDING', 'RETRYING')";

    private final NamedParameterJdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final MailerProperties.Redrive redrive;

    Claims(NamedParameterJdbcTemplate jdbc, DataSource dataSource, Clock clock, MailerProperties properties) {
        this.jdbc = jdbc;
        this.transactions = JdbcTransactions.readCommitted(dataSource);
        this.clock = clock;
        this.redrive = properties.redrive();
    }

    /**
     * Claims a delivery its consumer has just recorded (unclaimed, see {@link Deliveries#record}), now that a send
     * slot is free. Empty when it is no longer there to claim: the re-drive took it after its grace period, or a
     * newer link made it moot.
     */
    Optional<Claim> claimNew(Claim recorded) {
        String token = UUID.randomUUID().toString();
        boolean claimed = write(now -> jdbc.update("""
                UPDATE delivery SET claim_token = :claim, next_attempt_at = :lease, updated_at = :now
                WHERE event_id = :id AND claim_token IS NULL AND status = 'PENDING'""",
                params(recorded.eventId(), token, now).addValue("lease", db(now.plus(redrive.lease())))));
        return claimed ? Optional.of(recorded.withClaimToken(token)) : Optional.empty();
    }

    /**
     * Claims up to {@code limit} open deliveries whose next attempt (or lease, or grace period) is due. Rows another
     * instance holds are skipped, not waited for. Ask only for as many as there are free send slots: a claim that
     * waits is a claim that may run out.
     */
    List<Claim> claimDue(int limit) {
        return transactions.execute(status -> {
            Instant now = clock.instant();
            List<String> ids = jdbc.queryForList("""
                    SELECT event_id FROM delivery
                    WHERE next_attempt_at <= :now AND status IN ('PENDING', 'RETRYING')
                    ORDER BY next_attempt_at LIMIT :limit FOR UPDATE SKIP LOCKED""",
                    new MapSqlParameterSource("now", db(now)).addValue("limit", limit), String.class);
            if (ids.isEmpty()) {
                return List.of();
            }
            MapSqlParameterSource p = new MapSqlParameterSource("claim", UUID.randomUUID().toString())
                    .addValue("lease", db(now.plus(redrive.lease()))).addValue("now", db(now)).addValue("ids", ids);
            jdbc.update("UPDATE delivery SET claim_token = :claim, next_attempt_at = :lease, updated_at = :now "
                    + "WHERE event_id IN (:ids)", p);
            return jdbc.query("""
                    SELECT event_id, claim_token, status, event_type, user_id, email, name, token, authcode,
                        occurred_at, expires_at, attempts, redrives, traceparent, sealed_code, locale, changed_to
                    FROM delivery WHERE event_id IN (:ids) AND claim_token = :claim""", p, Claims::claim);
        });
    }

    /**
     * Right before a call to the transport: true, and the lease runs for another {@code mailer.redrive.lease}, only
     * while the claim is still valid (our token, lease not over, row still open). False when it was lost.
     */
    boolean hold(Claim claim) {
        return write(now -> jdbc.update("""
                UPDATE delivery SET next_attempt_at = :lease, updated_at = :now
                WHERE event_id = :id AND claim_token = :claim AND next_attempt_at > :now
                    AND status IN ('PENDING', 'RETRYING')""",
                params(claim, now).addValue("lease", db(now.plus(redrive.lease())))));
    }

    /** Recorded whatever the row's state: the email did go out. False only when another instance took the row over. */
    boolean markSent(Claim claim, String messageId, int calls, SendResult lastFailure) {
        return write(now -> jdbc.update("""
                UPDATE delivery SET status = 'SENT', message_id = :messageId, attempts = attempts + :calls,
                    sent_at = :now, updated_at = :now, finished_at = :now, next_attempt_at = NULL, claim_token = NULL, token = NULL,
                    authcode = NULL, sealed_code = NULL, failure_reason = NULL,
                    sendcloud_code = COALESCE(:code, sendcloud_code), last_error = COALESCE(:error, last_error)
                WHERE event_id = :id AND claim_token = :claim""",
                failure(params(claim, now), lastFailure).addValue("messageId", truncate(messageId, 255))
                        .addValue("calls", calls)));
    }

    /**
     * SENT for a delivery whose email went out while the database could not record it ({@link UnrecordedSends}):
     * whoever holds the claim now, the email was sent, so the row is SENT. Idempotent.
     */
    void markSentAfterOutage(UUID eventId, String messageId, int calls) {
        transactions.executeWithoutResult(status -> jdbc.update("""
                UPDATE delivery SET status = 'SENT', message_id = :messageId, attempts = attempts + :calls,
                    sent_at = :now, updated_at = :now, finished_at = :now, next_attempt_at = NULL, claim_token = NULL, token = NULL,
                    authcode = NULL, sealed_code = NULL, failure_reason = NULL
                WHERE event_id = :id AND status <> 'SENT'""",
                params(eventId, null, clock.instant()).addValue("messageId", truncate(messageId, 255))
                        .addValue("calls", calls)));
    }

    /**
     * FAILED for a permanent SendCloud error. The link is kept until it expires, so that once the cause is fixed
     * (a wrong API key, a template) {@link Deliveries#redriveFailed} can send it after all.
     */
    boolean markFailed(Claim claim, SendResult result, int calls) {
        return write(now -> jdbc.update("UPDATE delivery SET status = 'FAILED', failure_reason = 'PERMANENT', "
                + "sendcloud_code = :code, last_error = :error, attempts = attempts + :calls, updated_at = :now, "
                + "finished_at = :now, next_attempt_at = NULL, claim_token = NULL WHERE event_id = :id AND claim_token = :claim AND " + OPEN,
                failure(params(claim, now), result).addValue("calls", calls)));
    }

    /**
     * Hands the delivery to the re-drive: RETRYING at a growing, jittered delay, but never later than the link's
     * expiry, when it is given up. Returns the next attempt time, or null when it was given up as expired (or the
     * claim was lost).
     */
    Instant scheduleRetry(Claim claim, SendResult result, int calls) {
        if (!clock.instant().isBefore(claim.expiresAt())) {
            expire(claim, result, calls);
            return null;
        }
        Instant next = clock.instant().plus(delayAfter(claim.redrives()));
        Instant at = next.isAfter(claim.expiresAt()) ? claim.expiresAt() : next;
        boolean updated = write(now -> jdbc.update("UPDATE delivery SET status = 'RETRYING', "
                + "attempts = attempts + :calls, redrives = redrives + 1, next_attempt_at = :next, claim_token = NULL, "
                + "sendcloud_code = :code, last_error = :error, updated_at = :now "
                + "WHERE event_id = :id AND claim_token = :claim AND " + OPEN,
                failure(params(claim, now), result).addValue("calls", calls).addValue("next", db(at))));
        return updated ? at : null;
    }

    /** Gives the delivery up: its link has expired. {@code result} is the last failure, if any. */
    boolean expire(Claim claim, SendResult result, int calls) {
        return write(now -> jdbc.update("UPDATE delivery SET status = 'FAILED', failure_reason = 'EXPIRED', "
                + "attempts = attempts + :calls, sendcloud_code = COALESCE(:code, sendcloud_code), "
                + "last_error = COALESCE(:error, last_error), updated_at = :now, finished_at = :now, next_attempt_at = NULL, "
                + "claim_token = NULL, token = NULL, authcode = NULL, sealed_code = NULL "
                + "WHERE event_id = :id AND claim_token = :claim AND " + OPEN,
                failure(params(claim, now), result).addValue("calls", calls)));
    }

    /** The n-th re-drive waits initial-delay * 2^n, at most max-delay, with +-20 % jitter. */
    Duration delayAfter(int redrives) {
        double factor = Math.pow(2, Math.min(redrives, 30));
        double millis = Math.min(redrive.initialDelay().toMillis() * factor, redrive.maxDelay().toMillis());
        double jitter = 0.8 + ThreadLocalRandom.current().nextDouble() * 0.4;
        return Duration.ofMillis((long) (millis * jitter));
    }

    /** One statement in its own transaction; {@code now} is taken once the connection is there, not before. */
    private boolean write(Function<Instant, Integer> statement) {
        return Boolean.TRUE.equals(transactions.execute(status -> statement.apply(clock.instant()) == 1));
    }

    private static MapSqlParameterSource params(Claim claim, Instant now) {
        return params(claim.eventId(), claim.claimToken(), now);
    }

    private static MapSqlParameterSource params(UUID eventId, String claimToken, Instant now) {
        return new MapSqlParameterSource("id", eventId.toString()).addValue("claim", claimToken)
                .addValue("now", db(now));
    }

    private static MapSqlParameterSource failure(MapSqlParameterSource p, SendResult result) {
        return p.addValue("code", result == null ? null : result.code())
                .addValue("error", result == null ? null : truncate(result.error(), MAX_ERROR));
    }

    private static Claim claim(ResultSet rs, int row) throws SQLException {
        return new Claim(UUID.fromString(rs.getString("event_id")), rs.getString("claim_token"),
                DeliveryStatus.valueOf(rs.getString("status")), rs.getString("event_type"), rs.getLong("user_id"),
                rs.getString("email"),
                rs.getString("name"), rs.getString("token"), rs.getString("authcode"), instant(rs, "occurred_at"),
                instant(rs, "expires_at"), rs.getInt("attempts"), rs.getInt("redrives"), rs.getString("traceparent"),
                rs.getString("sealed_code"), rs.getString("locale"), rs.getString("changed_to"));
    }
}
