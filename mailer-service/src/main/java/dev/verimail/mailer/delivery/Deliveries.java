package dev.verimail.mailer.delivery;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import dev.verimail.events.registration.RegistrationEvent;
import dev.verimail.events.registration.VerificationReissued;
import dev.verimail.mailer.config.MailerProperties;

/**
 * The {@code delivery} table and every state change of a row. All writes run at READ COMMITTED, so claims and
 * inserts take no gap locks; every change after a send is conditional on the claim token.
 */
@Repository
class Deliveries {

    private static final Logger log = LoggerFactory.getLogger(Deliveries.class);
    private static final int MAX_ERROR = 1000;
    private static final String OPEN = "status IN ('PENDING', 'RETRYING')";
    /** FAILED for a permanent SendCloud error and still holding its link: an operator may send it again. */
    private static final String REDRIVABLE = "status = 'FAILED' AND failure_reason = 'PERMANENT' AND token IS NOT NULL";
    private static final String CLAIM_COLUMNS = "event_id, claim_token, status, user_id, email, name, token, authcode, "
            + "occurred_at, expires_at, attempts, redrives";

    private final NamedParameterJdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final MailerProperties.Redrive redrive;

    Deliveries(NamedParameterJdbcTemplate jdbc, PlatformTransactionManager transactionManager, Clock clock,
            MailerProperties properties) {
        this.jdbc = jdbc;
        this.transactions = new TransactionTemplate(transactionManager);
        this.transactions.setIsolationLevel(TransactionDefinition.ISOLATION_READ_COMMITTED);
        this.clock = clock;
        this.redrive = properties.redrive();
    }

    /** What recording a batch of events gave: the claims to send now and how many earlier ones became moot. */
    record Recorded(List<Claim> claims, int superseded, int expired) {
    }

    /**
     * Records one delivery per event not seen before, in one transaction. A new one is PENDING and claimed by the
     * caller; one whose link has expired is FAILED at once; one older than a delivery already recorded for the
     * user is moot. A {@code VerificationReissued} makes the user's earlier open deliveries moot.
     */
    Recorded record(List<RegistrationEvent> events) {
        return transactions.execute(status -> {
            Instant now = clock.instant();
            String claimToken = UUID.randomUUID().toString();
            List<Claim> claims = new ArrayList<>();
            int superseded = 0;
            int expired = 0;
            Set<String> known = new HashSet<>(jdbc.queryForList("SELECT event_id FROM delivery WHERE event_id IN (:ids)",
                    new MapSqlParameterSource("ids", events.stream().map(e -> e.eventId().toString()).toList()),
                    String.class));
            Map<Long, Instant> latest = latestPerUser(events);
            for (RegistrationEvent event : events) {
                if (!known.add(event.eventId().toString())) {
                    log.debug("Event {} was already recorded; not sending again", event.eventId());
                    continue;
                }
                DeliveryStatus initial = DeliveryStatus.PENDING;
                FailureReason reason = null;
                if (!now.isBefore(event.expiresAt())) {
                    initial = DeliveryStatus.FAILED;
                    reason = FailureReason.EXPIRED;
                }
                else if (latest.containsKey(event.userId()) && latest.get(event.userId()).isAfter(event.occurredAt())) {
                    initial = DeliveryStatus.FAILED;
                    reason = FailureReason.SUPERSEDED;
                }
                if (!insert(event, initial, reason, claimToken, now)) {
                    log.debug("Event {} was already recorded; not sending again", event.eventId());
                    continue;
                }
                latest.merge(event.userId(), event.occurredAt(), (a, b) -> a.isAfter(b) ? a : b);
                if (reason == FailureReason.EXPIRED) {
                    expired++;
                }
                else if (reason == FailureReason.SUPERSEDED) {
                    superseded++;
                }
                if (event instanceof VerificationReissued) {
                    superseded += supersedeEarlier(event, now);
                    claims.removeIf(c -> c.userId() == event.userId() && c.occurredAt().isBefore(event.occurredAt()));
                }
                if (initial == DeliveryStatus.PENDING) {
                    claims.add(new Claim(event.eventId(), claimToken, DeliveryStatus.PENDING, event.userId(),
                            event.email(), event.name(), event.token(), event.authcode(), event.occurredAt(),
                            event.expiresAt(), 0, 0));
                }
            }
            return new Recorded(List.copyOf(claims), superseded, expired);
        });
    }

    /** The newest recorded event per user of the batch: an older one arriving late is moot. */
    private Map<Long, Instant> latestPerUser(List<RegistrationEvent> events) {
        Map<Long, Instant> latest = new HashMap<>();
        jdbc.query("SELECT user_id, MAX(occurred_at) AS latest FROM delivery WHERE user_id IN (:users) GROUP BY user_id",
                new MapSqlParameterSource("users", events.stream().map(RegistrationEvent::userId).distinct().toList()),
                rs -> {
                    latest.put(rs.getLong("user_id"), instant(rs, "latest"));
                });
        return latest;
    }

    private boolean insert(RegistrationEvent event, DeliveryStatus status, FailureReason reason, String claimToken,
            Instant now) {
        boolean open = status == DeliveryStatus.PENDING;
        MapSqlParameterSource p = new MapSqlParameterSource()
                .addValue("id", event.eventId().toString())
                .addValue("type", event.getClass().getSimpleName())
                .addValue("user", event.userId())
                .addValue("email", event.email())
                .addValue("emailKey", event.email().toLowerCase(Locale.ROOT))
                .addValue("name", event.name())
                .addValue("token", open ? event.token() : null)
                .addValue("authcode", open ? event.authcode() : null)
                .addValue("occurredAt", db(event.occurredAt()))
                .addValue("expiresAt", db(event.expiresAt()))
                .addValue("status", status.name())
                .addValue("next", open ? db(now.plus(redrive.lease())) : null)
                .addValue("claim", open ? claimToken : null)
                .addValue("reason", reason == null ? null : reason.name())
                .addValue("error", reason == FailureReason.EXPIRED ? "The link had expired when the event arrived"
                        : reason == FailureReason.SUPERSEDED ? "A newer link had already been issued" : null)
                .addValue("now", db(now));
        try {
            jdbc.update("""
                    INSERT INTO delivery (event_id, event_type, user_id, email, email_key, name, token, authcode,
                        occurred_at, expires_at, status, attempts, redrives, next_attempt_at, claim_token,
                        failure_reason, last_error, created_at, updated_at)
                    VALUES (:id, :type, :user, :email, :emailKey, :name, :token, :authcode, :occurredAt, :expiresAt,
                        :status, 0, 0, :next, :claim, :reason, :error, :now, :now)""", p);
            return true;
        }
        catch (DuplicateKeyException e) {
            return false;
        }
    }

    /**
     * Makes the user's earlier unsent deliveries moot. Open ones count as newly failed; ones that had failed for a
     * permanent reason (and kept their link for a re-drive) only lose the link: they were counted when they failed.
     */
    private int supersedeEarlier(RegistrationEvent reissue, Instant now) {
        MapSqlParameterSource p = new MapSqlParameterSource("user", reissue.userId())
                .addValue("at", db(reissue.occurredAt())).addValue("id", reissue.eventId().toString())
                .addValue("now", db(now));
        jdbc.update("UPDATE delivery SET failure_reason = 'SUPERSEDED', token = NULL, authcode = NULL, updated_at = :now "
                + "WHERE user_id = :user AND occurred_at < :at AND event_id <> :id AND " + REDRIVABLE, p);
        return jdbc.update("UPDATE delivery SET status = 'FAILED', failure_reason = 'SUPERSEDED', "
                + "last_error = 'A newer link was issued before this one was sent', next_attempt_at = NULL, "
                + "token = NULL, authcode = NULL, updated_at = :now "
                + "WHERE user_id = :user AND occurred_at < :at AND event_id <> :id AND " + OPEN, p);
    }

    /**
     * Claims up to {@code limit} open deliveries whose next attempt (or lease) is due. Rows another instance holds
     * are skipped, not waited for; a claimed row is leased to this instance for {@code mailer.redrive.lease}.
     */
    List<Claim> claimDue(int limit) {
        return transactions.execute(status -> {
            Instant now = clock.instant();
            List<String> ids = jdbc.queryForList("SELECT event_id FROM delivery WHERE next_attempt_at <= :now AND "
                    + OPEN + " ORDER BY next_attempt_at LIMIT :limit FOR UPDATE SKIP LOCKED",
                    new MapSqlParameterSource("now", db(now)).addValue("limit", limit), String.class);
            if (ids.isEmpty()) {
                return List.of();
            }
            String claimToken = UUID.randomUUID().toString();
            jdbc.update("UPDATE delivery SET claim_token = :claim, next_attempt_at = :lease, updated_at = :now "
                    + "WHERE event_id IN (:ids)", new MapSqlParameterSource("claim", claimToken)
                            .addValue("lease", db(now.plus(redrive.lease()))).addValue("now", db(now))
                            .addValue("ids", ids));
            return jdbc.query("SELECT " + CLAIM_COLUMNS + " FROM delivery WHERE event_id IN (:ids)",
                    new MapSqlParameterSource("ids", ids), Deliveries::claim);
        });
    }

    /** Extends the lease before another attempt; false when the claim is lost or the delivery became moot. */
    boolean renew(Claim claim) {
        Instant now = clock.instant();
        return write("UPDATE delivery SET next_attempt_at = :lease, updated_at = :now "
                + "WHERE event_id = :id AND claim_token = :claim AND " + OPEN,
                params(claim, now).addValue("lease", db(now.plus(redrive.lease()))));
    }

    /** Recorded whatever the row's state: the email did go out. False only when another instance took the row over. */
    boolean markSent(Claim claim, String messageId, int calls, SendResult lastFailure) {
        Instant now = clock.instant();
        MapSqlParameterSource p = params(claim, now).addValue("messageId", truncate(messageId, 255))
                .addValue("calls", calls);
        String lastError = "";
        if (lastFailure != null) {
            lastError = ", sendcloud_code = :code, last_error = :error";
            p.addValue("code", lastFailure.code()).addValue("error", truncate(lastFailure.error(), MAX_ERROR));
        }
        return write("UPDATE delivery SET status = 'SENT', message_id = :messageId, attempts = attempts + :calls, "
                + "sent_at = :now, updated_at = :now, next_attempt_at = NULL, claim_token = NULL, token = NULL, "
                + "authcode = NULL, failure_reason = NULL" + lastError
                + " WHERE event_id = :id AND claim_token = :claim", p);
    }

    /**
     * FAILED for a permanent SendCloud error. The link is kept until it expires ({@link #clearExpiredSecrets}), so
     * that once the cause is fixed (a wrong API key, a template) {@link #redriveFailed} can send it after all.
     */
    boolean markFailed(Claim claim, SendResult result, int calls) {
        Instant now = clock.instant();
        return write("UPDATE delivery SET status = 'FAILED', failure_reason = 'PERMANENT', sendcloud_code = :code, "
                + "last_error = :error, attempts = attempts + :calls, updated_at = :now, next_attempt_at = NULL, "
                + "claim_token = NULL "
                + "WHERE event_id = :id AND claim_token = :claim AND " + OPEN,
                params(claim, now).addValue("code", result.code()).addValue("error", truncate(result.error(), MAX_ERROR))
                        .addValue("calls", calls));
    }

    /**
     * Hands the delivery to the re-drive: RETRYING at a growing, jittered delay, but never later than the link's
     * expiry, when it is given up. Returns the next attempt time, or null when it was given up as expired (or the
     * claim was lost).
     */
    Instant scheduleRetry(Claim claim, SendResult result, int calls) {
        Instant now = clock.instant();
        if (!now.isBefore(claim.expiresAt())) {
            expire(claim, result, calls);
            return null;
        }
        Instant next = now.plus(delayAfter(claim.redrives()));
        if (next.isAfter(claim.expiresAt())) {
            next = claim.expiresAt();
        }
        boolean updated = write("UPDATE delivery SET status = 'RETRYING', attempts = attempts + :calls, "
                + "redrives = redrives + 1, next_attempt_at = :next, claim_token = NULL, sendcloud_code = :code, "
                + "last_error = :error, updated_at = :now WHERE event_id = :id AND claim_token = :claim AND " + OPEN,
                params(claim, now).addValue("calls", calls).addValue("next", db(next)).addValue("code", result.code())
                        .addValue("error", truncate(result.error(), MAX_ERROR)));
        return updated ? next : null;
    }

    /** Gives the delivery up: its link has expired. {@code result} is the last failure, if any. */
    boolean expire(Claim claim, SendResult result, int calls) {
        Instant now = clock.instant();
        MapSqlParameterSource p = params(claim, now).addValue("calls", calls);
        String lastError = "";
        if (result != null) {
            lastError = ", sendcloud_code = :code, last_error = :error";
            p.addValue("code", result.code()).addValue("error", truncate(result.error(), MAX_ERROR));
        }
        return write("UPDATE delivery SET status = 'FAILED', failure_reason = 'EXPIRED', attempts = attempts + :calls"
                + lastError + ", updated_at = :now, next_attempt_at = NULL, claim_token = NULL, token = NULL, "
                + "authcode = NULL WHERE event_id = :id AND claim_token = :claim AND " + OPEN, p);
    }

    /**
     * Makes deliveries that FAILED for a permanent SendCloud error due again (RETRYING, next attempt now), when
     * they still hold their link, it has not expired and no newer link superseded them; {@code code} limits it to
     * one SendCloud code. A FAILED row is held by nobody (no claim token), so the re-drive claims these like any
     * other due row, one instance each. Returns how many.
     */
    int redriveFailed(Integer code) {
        Instant now = clock.instant();
        MapSqlParameterSource p = new MapSqlParameterSource("now", db(now));
        if (code != null) {
            p.addValue("code", code);
        }
        String sql = "UPDATE delivery SET status = 'RETRYING', failure_reason = NULL, redrives = 0, "
                + "next_attempt_at = :now, claim_token = NULL, updated_at = :now WHERE " + REDRIVABLE
                + " AND authcode IS NOT NULL AND expires_at > :now" + (code == null ? "" : " AND sendcloud_code = :code");
        Integer count = transactions.execute(status -> jdbc.update(sql, p));
        return count == null ? 0 : count;
    }

    /** Clears the link of deliveries that FAILED and whose link has expired: nothing can send them any more. */
    int clearExpiredSecrets() {
        Instant now = clock.instant();
        Integer count = transactions.execute(status -> jdbc.update("UPDATE delivery SET token = NULL, authcode = NULL, "
                + "updated_at = :now WHERE status = 'FAILED' AND token IS NOT NULL AND expires_at <= :now",
                new MapSqlParameterSource("now", db(now))));
        return count == null ? 0 : count;
    }

    /** The n-th re-drive waits initial-delay * 2^n, at most max-delay, with +-20 % jitter. */
    Duration delayAfter(int redrives) {
        double factor = Math.pow(2, Math.min(redrives, 30));
        double millis = Math.min(redrive.initialDelay().toMillis() * factor, redrive.maxDelay().toMillis());
        double jitter = 0.8 + ThreadLocalRandom.current().nextDouble() * 0.4;
        return Duration.ofMillis((long) (millis * jitter));
    }

    List<DeliveryView> findByEmail(String email) {
        return jdbc.query("""
                SELECT event_id, event_type, user_id, email, status, attempts, last_error, failure_reason,
                    sendcloud_code, message_id, occurred_at, expires_at, created_at, updated_at, sent_at, next_attempt_at
                FROM delivery WHERE email_key = :key ORDER BY created_at DESC, id DESC LIMIT 100""",
                new MapSqlParameterSource("key", email.trim().toLowerCase(Locale.ROOT)), (rs, n) -> new DeliveryView(
                        UUID.fromString(rs.getString("event_id")), rs.getString("event_type"), rs.getLong("user_id"),
                        rs.getString("email"), DeliveryStatus.valueOf(rs.getString("status")), rs.getInt("attempts"),
                        rs.getString("last_error"),
                        rs.getString("failure_reason") == null ? null : FailureReason.valueOf(rs.getString("failure_reason")),
                        (Integer) rs.getObject("sendcloud_code", Integer.class), rs.getString("message_id"),
                        instant(rs, "occurred_at"), instant(rs, "expires_at"), instant(rs, "created_at"),
                        instant(rs, "updated_at"), instant(rs, "sent_at"), instant(rs, "next_attempt_at")));
    }

    private boolean write(String sql, MapSqlParameterSource params) {
        return Boolean.TRUE.equals(transactions.execute(status -> jdbc.update(sql, params) == 1));
    }

    private static MapSqlParameterSource params(Claim claim, Instant now) {
        return new MapSqlParameterSource("id", claim.eventId().toString()).addValue("claim", claim.claimToken())
                .addValue("now", db(now));
    }

    private static Claim claim(ResultSet rs, int row) throws SQLException {
        return new Claim(UUID.fromString(rs.getString("event_id")), rs.getString("claim_token"),
                DeliveryStatus.valueOf(rs.getString("status")), rs.getLong("user_id"), rs.getString("email"), rs.getString("name"),
                rs.getString("token"), rs.getString("authcode"), instant(rs, "occurred_at"), instant(rs, "expires_at"),
                rs.getInt("attempts"), rs.getInt("redrives"));
    }

    /** Instants are stored as UTC DATETIME(6) whatever the JVM's or the server's time zone. */
    static LocalDateTime db(Instant instant) {
        return instant == null ? null : LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        LocalDateTime value = rs.getObject(column, LocalDateTime.class);
        return value == null ? null : value.toInstant(ZoneOffset.UTC);
    }

    static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
