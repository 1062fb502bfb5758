package dev.verimail.mailer.delivery;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.List;
import java.util.Locale;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

import dev.verimail.events.registration.RegistrationEvent;
import dev.verimail.events.registration.EmailChangeCancelled;
import dev.verimail.events.registration.EmailChangeRequested;
import dev.verimail.events.registration.SignupAttempted;
import dev.verimail.events.registration.VerificationReissued;
import dev.verimail.mailer.config.MailerProperties;
import dev.verimail.outbox.UtcTime;
import dev.verimail.web.i18n.Languages;

/**
 * Recording a poll of events in the {@code delivery} table, and making earlier deliveries moot. JDBC on purpose:
 * this is the consumer's hot path (one set-based check of known event ids, the inserts and the supersede updates in
 * one short transaction, 1,200 emails/s in the mailer-alone benchmark), see BENCHMARKS.md. Writes run at READ
 * COMMITTED, so inserts take no gap locks. Claims and outcomes of sends are {@link Claims}'; the operator side and
 * the clean-up are {@link DeliveryRepository}'s.
 */
@Repository
class Deliveries {

    private static final Logger log = LoggerFactory.getLogger(Deliveries.class);
    private static final String OPEN = "status IN ('PENDING', 'RETRYING')";
    /** Verification emails only: a notice neither supersedes a link nor is superseded by one. */
    private static final String CHALLENGE = "event_type NOT IN ('" + Claim.NOTICE + "', '" + Claim.CHANGE_NOTICE
            + "')";
    /** FAILED for a permanent SendCloud error and still holding its link: an operator may send it again. */
    static final String REDRIVABLE = "status = 'FAILED' AND failure_reason = 'PERMANENT' AND token IS NOT NULL";

    private final NamedParameterJdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final MailerProperties.Redrive redrive;
    private final MailerProperties.Notice notice;

    Deliveries(NamedParameterJdbcTemplate jdbc, DataSource dataSource, Clock clock, MailerProperties properties) {
        this.jdbc = jdbc;
        this.transactions = JdbcTransactions.readCommitted(dataSource);
        this.clock = clock;
        this.redrive = properties.redrive();
        this.notice = properties.notice();
    }

    /**
     * What recording a batch of events gave: the deliveries to send now (not yet claimed: each is claimed once a
     * send slot is free, see {@link Claims#claimNew}) and how many earlier ones became moot.
     */
    record Recorded(List<Claim> toSend, int superseded, int expired, int skipped) {
    }

    /**
     * Records one delivery per event not seen before, in one transaction. A new one is PENDING, unclaimed, with a
     * grace period of one lease in {@code next_attempt_at}: its consumer claims it when a send slot is free, and
     * should the consumer die first, the re-drive takes it once the grace period is over. One whose link has expired is FAILED at once; one older than a delivery already recorded for the
     * user is moot. A {@code VerificationReissued} makes the user's earlier open deliveries moot.
     */
    Recorded record(List<RegistrationEvent> events) {
        return record(events, Map.of());
    }

    /** As {@link #record(List)}, each delivery keeping the trace its event came in (by event id), if any. */
    Recorded record(List<RegistrationEvent> events, Map<UUID, String> traceparents) {
        return transactions.execute(status -> {
            Instant now = clock.instant();
            List<Claim> toSend = new ArrayList<>();
            int superseded = 0;
            int expired = 0;
            int skipped = 0;
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
                String traceparent = traceparents.get(event.eventId());
                if (!insert(event, initial, reason, now, traceparent)) {
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
                    toSend.removeIf(c -> c.userId() == event.userId() && c.occurredAt().isBefore(event.occurredAt()));
                }
                if (initial == DeliveryStatus.PENDING) {
                    toSend.add(new Claim(event.eventId(), null, DeliveryStatus.PENDING,
                            event.getClass().getSimpleName(), event.userId(),
                            event.email(), event.name(), event.token(), event.sealedAuthcode(), event.occurredAt(),
                            event.expiresAt(), 0, 0, traceparent, event.sealedCode(), language(event.locale()), null));
                }
            }
            return new Recorded(List.copyOf(toSend), superseded, expired, 0);
        });
    }

    /** The newest recorded event per user of the batch: an older one arriving late is moot. */
    private Map<Long, Instant> latestPerUser(List<RegistrationEvent> events) {
        Map<Long, Instant> latest = new HashMap<>();
        jdbc.query("SELECT user_id, MAX(occurred_at) AS latest FROM delivery WHERE user_id IN (:users) AND " + CHALLENGE
                + " GROUP BY user_id",
                new MapSqlParameterSource("users", events.stream().map(RegistrationEvent::userId).distinct().toList()),
                rs -> {
                    latest.put(rs.getLong("user_id"), instant(rs, "latest"));
                });
        return latest;
    }

    private boolean insert(RegistrationEvent event, DeliveryStatus status, FailureReason reason, Instant now,
            String traceparent) {
        boolean open = status == DeliveryStatus.PENDING;
        MapSqlParameterSource p = new MapSqlParameterSource()
                .addValue("traceparent", traceparent)
                .addValue("locale", language(event.locale()))
                .addValue("id", event.eventId().toString())
                .addValue("type", event.getClass().getSimpleName())
                .addValue("user", event.userId())
                .addValue("email", event.email())
                .addValue("emailKey", event.email().toLowerCase(Locale.ROOT))
                .addValue("name", event.name())
                .addValue("token", open ? event.token() : null)
                .addValue("authcode", open ? event.sealedAuthcode() : null)
                .addValue("sealedCode", open ? event.sealedCode() : null)
                .addValue("occurredAt", db(event.occurredAt()))
                .addValue("expiresAt", db(event.expiresAt()))
                .addValue("status", status.name())
                .addValue("next", open ? db(now.plus(redrive.lease())) : null)
                .addValue("reason", reason == null ? null : reason.name())
                .addValue("error", reason == FailureReason.EXPIRED ? "The link had expired when the event arrived"
                        : reason == FailureReason.SUPERSEDED ? "A newer link had already been issued" : null)
                .addValue("now", db(now))
                .addValue("finished", open ? null : db(now));
        return insertRow(p);
    }

    /**
     * Makes the user's earlier unsent deliveries moot. Open ones count as newly failed; ones that had failed for a
     * permanent reason (and kept their link for a re-drive) only lose the link: they were counted when they failed.
     */
    private int supersedeEarlier(RegistrationEvent reissue, Instant now) {
        MapSqlParameterSource p = new MapSqlParameterSource("user", reissue.userId())
                .addValue("at", db(reissue.occurredAt())).addValue("id", reissue.eventId().toString())
                .addValue("now", db(now));
        jdbc.update("UPDATE delivery SET failure_reason = 'SUPERSEDED', token = NULL, authcode = NULL, sealed_code = NULL, updated_at = :now "
                + "WHERE user_id = :user AND occurred_at < :at AND event_id <> :id AND " + CHALLENGE + " AND "
                + REDRIVABLE, p);
        return jdbc.update("UPDATE delivery SET status = 'FAILED', failure_reason = 'SUPERSEDED', "
                + "last_error = 'A newer link was issued before this one was sent', next_attempt_at = NULL, "
                + "token = NULL, authcode = NULL, sealed_code = NULL, updated_at = :now, finished_at = :now "
                + "WHERE user_id = :user AND occurred_at < :at AND event_id <> :id AND " + CHALLENGE + " AND " + OPEN, p);
    }

    /**
     * Records one notice delivery per {@link SignupAttempted} not seen before, in one transaction, as
     * {@link #record} does for verification emails: PENDING and unclaimed with a grace period, so the same claims,
     * retries and re-drive send it. It has no link; it expires {@code mailer.notice.ttl} after the attempt, which
     * ends its re-drive. A notice never supersedes a verification email nor is superseded by one. With
     * {@code skipReason} (the transport cannot send notices) each new one is recorded FAILED as
     * {@link FailureReason#SKIPPED} with that reason, and nothing is to be sent.
     */
    Recorded recordNotices(List<SignupAttempted> events, String skipReason) {
        return recordNotices(events, skipReason, Map.of());
    }

    Recorded recordNotices(List<SignupAttempted> events, String skipReason, Map<UUID, String> traceparents) {
        return transactions.execute(status -> {
            Instant now = clock.instant();
            List<Claim> toSend = new ArrayList<>();
            int expired = 0;
            int skipped = 0;
            Set<String> known = new HashSet<>(jdbc.queryForList("SELECT event_id FROM delivery WHERE event_id IN (:ids)",
                    new MapSqlParameterSource("ids", events.stream().map(e -> e.eventId().toString()).toList()),
                    String.class));
            for (SignupAttempted event : events) {
                if (!known.add(event.eventId().toString())) {
                    log.debug("Event {} was already recorded; not sending again", event.eventId());
                    continue;
                }
                Instant expiresAt = event.occurredAt().plus(notice.ttl());
                NoticeStart start = NoticeStart.of(now, expiresAt, skipReason, "mailer.notice.ttl");
                DeliveryStatus initial = start.status();
                FailureReason reason = start.reason();
                String error = start.error();
                String traceparent = traceparents.get(event.eventId());
                if (!insertNotice(event, expiresAt, initial, reason, error, now, traceparent)) {
                    log.debug("Event {} was already recorded; not sending again", event.eventId());
                    continue;
                }
                if (reason == FailureReason.EXPIRED) {
                    expired++;
                }
                else if (reason == FailureReason.SKIPPED) {
                    skipped++;
                }
                if (initial == DeliveryStatus.PENDING) {
                    toSend.add(new Claim(event.eventId(), null, DeliveryStatus.PENDING, Claim.NOTICE, event.userId(),
                            event.email(), event.name(), null, null, event.occurredAt(), expiresAt, 0, 0, traceparent,
                            null, language(event.locale()), null));
                }
            }
            return new Recorded(List.copyOf(toSend), 0, expired, skipped);
        });
    }

    private boolean insertNotice(SignupAttempted event, Instant expiresAt, DeliveryStatus status, FailureReason reason,
            String error, Instant now, String traceparent) {
        boolean open = status == DeliveryStatus.PENDING;
        MapSqlParameterSource p = new MapSqlParameterSource()
                .addValue("traceparent", traceparent)
                .addValue("locale", language(event.locale()))
                .addValue("id", event.eventId().toString())
                .addValue("type", Claim.NOTICE)
                .addValue("user", event.userId())
                .addValue("email", event.email())
                .addValue("emailKey", event.email().toLowerCase(Locale.ROOT))
                .addValue("name", event.name())
                .addValue("occurredAt", db(event.occurredAt()))
                .addValue("expiresAt", db(expiresAt))
                .addValue("status", status.name())
                .addValue("next", open ? db(now.plus(redrive.lease())) : null)
                .addValue("reason", reason == null ? null : reason.name())
                .addValue("error", error)
                .addValue("now", db(now))
                .addValue("finished", open ? null : db(now));
        return insertRow(p.addValue("token", null).addValue("authcode", null).addValue("sealedCode", null));
    }

    /**
     * Records one notice per {@link EmailChangeRequested} not seen before, to the user's current address
     * ({@code previousEmail}), as {@link #recordNotices} does: no link, the new address masked, expiring
     * {@code mailer.notice.ttl} after the request or with the change's link, whichever comes first. Its delivery's
     * event id is derived from the request's (the request's own is its verification email's).
     */
    Recorded recordChangeNotices(List<EmailChangeRequested> events, String skipReason, Map<UUID, String> traceparents) {
        return transactions.execute(status -> {
            Instant now = clock.instant();
            List<Claim> toSend = new ArrayList<>();
            int expired = 0;
            int skipped = 0;
            for (EmailChangeRequested event : events) {
                UUID id = changeNoticeId(event.eventId());
                Instant byTtl = event.occurredAt().plus(notice.ttl());
                Instant expiresAt = byTtl.isBefore(event.expiresAt()) ? byTtl : event.expiresAt();
                NoticeStart start = NoticeStart.of(now, expiresAt, skipReason, "mailer.notice.ttl or the change's link");
                DeliveryStatus initial = start.status();
                FailureReason reason = start.reason();
                String error = start.error();
                String changedTo = Mail.masked(event.email());
                boolean open = initial == DeliveryStatus.PENDING;
                String traceparent = traceparents.get(event.eventId());
                MapSqlParameterSource p = new MapSqlParameterSource()
                        .addValue("traceparent", traceparent)
                        .addValue("id", id.toString())
                        .addValue("type", Claim.CHANGE_NOTICE)
                        .addValue("user", event.userId())
                        .addValue("email", event.previousEmail())
                        .addValue("emailKey", event.previousEmail().toLowerCase(Locale.ROOT))
                        .addValue("name", event.name())
                        .addValue("token", null).addValue("authcode", null).addValue("sealedCode", null)
                        .addValue("locale", language(event.locale()))
                        .addValue("occurredAt", db(event.occurredAt()))
                        .addValue("expiresAt", db(expiresAt))
                        .addValue("status", initial.name())
                        .addValue("next", open ? db(now.plus(redrive.lease())) : null)
                        .addValue("reason", reason == null ? null : reason.name())
                        .addValue("error", error)
                        .addValue("now", db(now))
                        .addValue("finished", open ? null : db(now))
                        .addValue("changedTo", changedTo);
                if (!insertRow(p)) {
                    log.debug("Event {} was already recorded; not sending its notice again", event.eventId());
                    continue;
                }
                if (reason == FailureReason.EXPIRED) {
                    expired++;
                }
                else if (reason == FailureReason.SKIPPED) {
                    skipped++;
                }
                if (open) {
                    toSend.add(new Claim(id, null, DeliveryStatus.PENDING, Claim.CHANGE_NOTICE, event.userId(),
                            event.previousEmail(), event.name(), null, null, event.occurredAt(), expiresAt, 0, 0,
                            traceparent, null, language(event.locale()), changedTo));
                }
            }
            return new Recorded(List.copyOf(toSend), 0, expired, skipped);
        });
    }

    /** The event id of the notice an {@code EmailChangeRequested} sends to the current address. */
    static UUID changeNoticeId(UUID requestId) {
        return UUID.nameUUIDFromBytes(("EmailChangeNotice:" + requestId).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * Cancelled address changes ({@code EmailChangeCancelled}): the change's verification email, if not sent yet, is
     * moot (FAILED as SUPERSEDED, its link cleared), as when a newer link replaces one.
     *
     * @return how many open deliveries became moot
     */
    int cancelChanges(List<EmailChangeCancelled> events) {
        Integer n = transactions.execute(status -> {
            Instant now = clock.instant();
            int moot = 0;
            for (EmailChangeCancelled event : events) {
                MapSqlParameterSource p = new MapSqlParameterSource("user", event.userId())
                        .addValue("token", event.token()).addValue("type", EmailChangeRequested.TYPE)
                        .addValue("now", db(now));
                jdbc.update("UPDATE delivery SET failure_reason = 'SUPERSEDED', token = NULL, authcode = NULL, "
                        + "sealed_code = NULL, updated_at = :now WHERE user_id = :user AND token = :token AND "
                        + "event_type = :type AND " + REDRIVABLE, p);
                moot += jdbc.update("UPDATE delivery SET status = 'FAILED', failure_reason = 'SUPERSEDED', "
                        + "last_error = 'The address change was cancelled before this email was sent', "
                        + "next_attempt_at = NULL, token = NULL, authcode = NULL, sealed_code = NULL, updated_at = :now, "
                        + "finished_at = :now WHERE user_id = :user AND token = :token AND event_type = :type AND " + OPEN, p);
            }
            return moot;
        });
        return n == null ? 0 : n;
    }

    /** One row of {@code delivery}, a verification email's or a notice's; false if its event was recorded before. */
    private boolean insertRow(MapSqlParameterSource p) {
        try {
            jdbc.update("""
                    INSERT INTO delivery (event_id, event_type, user_id, email, email_key, name, token, authcode,
                        occurred_at, expires_at, status, attempts, redrives, next_attempt_at, failure_reason,
                        last_error, created_at, updated_at, finished_at, traceparent, sealed_code, locale, changed_to)
                    VALUES (:id, :type, :user, :email, :emailKey, :name, :token, :authcode, :occurredAt, :expiresAt,
                        :status, 0, 0, :next, :reason, :error, :now, :now, :finished, :traceparent, :sealedCode, :locale,
                        :changedTo)""", p.hasValue("changedTo") ? p : p.addValue("changedTo", null));
            return true;
        }
        catch (DuplicateKeyException e) {
            return false;
        }
    }

    /** The event's language as one we write in ({@code en}, {@code zh-CN}); null (English) when absent or unknown. */
    static String language(String tag) {
        java.util.Locale locale = Languages.of(tag);
        return locale == null ? null : Languages.tag(locale);
    }

    /** Instants are stored as UTC DATETIME(6) whatever the JVM's or the server's time zone. */
    static LocalDateTime db(Instant instant) {
        return UtcTime.toColumn(instant);
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        return UtcTime.get(rs, column);
    }

    static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
