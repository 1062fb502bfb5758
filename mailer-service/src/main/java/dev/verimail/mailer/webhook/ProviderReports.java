package dev.verimail.mailer.webhook;

import java.time.LocalDateTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.verimail.events.registration.UserRegistered;
import dev.verimail.events.registration.VerificationReissued;
import dev.verimail.events.verification.EmailUndeliverable;
import dev.verimail.mailer.config.MailerProperties;
import dev.verimail.mailer.delivery.DeliveryStatus;
import dev.verimail.outbox.OutboxWriter;
import dev.verimail.outbox.UtcTime;

/**
 * Applies one verified SendCloud webhook to the delivery it names, in one transaction: the token is remembered (a
 * replay changes nothing), the delivery found by SendCloud's email id ({@code message_id}) and locked, its status
 * moved by {@link ProviderEvent#next}, and, when the address has become undeliverable, {@code EmailUndeliverable}
 * appended to the outbox. A failure rolls everything back, token included, so SendCloud's retry of the same
 * webhook is applied then. Only verification emails are announced: a bounce of a notice says nothing about a
 * sign-up.
 */
@Service
class ProviderReports {

    private static final Logger log = LoggerFactory.getLogger(ProviderReports.class);
    private static final int MAX_ERROR = 1000;
    /** How long an unknown email id may be one whose send is still being recorded (see {@link Outcome#NOT_YET}). */
    static final Duration NOT_YET_WINDOW = Duration.ofMinutes(2);
    private static final Set<String> VERIFICATION_TYPES = Set.of(UserRegistered.TYPE, VerificationReissued.TYPE);

    enum Outcome {
        /** The delivery changed. */
        APPLIED,
        /** Known delivery, nothing to change (a late open, an event this version does not know). */
        UNCHANGED,
        /** No delivery has that email id (another application on the account, or one deleted by retention). */
        UNMATCHED,
        /**
         * No delivery has that email id yet, and the event is recent: SendCloud may have reported before the send's
         * outcome was recorded. Nothing is kept; SendCloud is asked to send it again (503).
         */
        NOT_YET,
        /** This token was applied before. */
        REPLAY
    }

    /** One webhook, read and checked ({@link SendCloudWebhook}); {@code event} null for a type this version does not know. */
    record Report(ProviderEvent event, String eventName, String emailId, String token, Instant at, Integer code,
            String message) {
    }

    private record Row(String eventId, String eventType, long userId, String email, String emailKey,
            DeliveryStatus status, Instant undeliverableAt) {
    }

    private final NamedParameterJdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final OutboxWriter outbox;
    private final MailerProperties properties;
    private final Clock clock;

    ProviderReports(NamedParameterJdbcTemplate jdbc, PlatformTransactionManager transactionManager,
            OutboxWriter outbox, MailerProperties properties, Clock clock) {
        this.jdbc = jdbc;
        this.transactions = new TransactionTemplate(transactionManager);
        // SendCloud waits 3 s for the answer, then sends again: a stuck database must not hold the request longer
        this.transactions.setTimeout(2);
        this.outbox = outbox;
        this.properties = properties;
        this.clock = clock;
    }

    Outcome apply(Report report) {
        return transactions.execute(tx -> {
            Instant now = clock.instant();
            try {
                jdbc.update("""
                        INSERT INTO webhook_token (token, received_at) VALUES (:token, :now)""",
                        new MapSqlParameterSource("token", report.token()).addValue("now", ts(now)));
            }
            catch (DuplicateKeyException replay) {
                return Outcome.REPLAY;
            }
            List<Row> rows = jdbc.query("""
                    SELECT event_id, event_type, user_id, email, email_key, status, undeliverable_at
                    FROM delivery WHERE message_id = :emailId
                    LIMIT 1 FOR UPDATE""",
                    new MapSqlParameterSource("emailId", report.emailId()),
                    (rs, i) -> new Row(rs.getString("event_id"), rs.getString("event_type"), rs.getLong("user_id"),
                            rs.getString("email"), rs.getString("email_key"),
                            DeliveryStatus.valueOf(rs.getString("status")), UtcTime.get(rs, "undeliverable_at")));
            if (rows.isEmpty()) {
                if (Duration.between(report.at(), now).compareTo(NOT_YET_WINDOW) < 0) {
                    tx.setRollbackOnly();
                    return Outcome.NOT_YET;
                }
                return Outcome.UNMATCHED;
            }
            Row row = rows.get(0);
            DeliveryStatus next = report.event() == null ? null : report.event().next(row.status());
            if (next == null) {
                return Outcome.UNCHANGED;
            }
            int bounce = report.event() == ProviderEvent.SOFT_BOUNCE ? 1 : 0;
            EmailUndeliverable.Reason reason = undeliverable(report, row, bounce);
            String error = next == DeliveryStatus.INVALID || next == DeliveryStatus.BOUNCED ? error(report) : null;
            jdbc.update("""
                    UPDATE delivery SET status = :status, provider_event = :event, provider_code = :code,
                        provider_event_at = :at, soft_bounces = soft_bounces + :bounce,
                        last_error = COALESCE(:error, last_error), updated_at = :now,
                        undeliverable_at = COALESCE(undeliverable_at, :undeliverable)
                    WHERE event_id = :id""",
                    new MapSqlParameterSource("status", next.name()).addValue("event", report.event().wire())
                            .addValue("code", report.code()).addValue("at", ts(report.at()))
                            .addValue("bounce", bounce).addValue("error", error).addValue("now", ts(now))
                            .addValue("undeliverable", reason == null ? null : ts(now))
                            .addValue("id", row.eventId()));
            if (next != row.status()) {
                log.info("Delivery {}: SendCloud reports {}{}: {} -> {}", row.eventId(), report.event().wire(),
                        report.code() == null ? "" : " (" + report.code() + ")", row.status(), next);
            }
            if (reason != null) {
                outbox.append(properties.topics().verificationEvents(), new EmailUndeliverable(UUID.randomUUID(),
                        report.at(), row.userId(), row.email(), UUID.fromString(row.eventId()), reason,
                        report.event().wire(), report.code()));
                log.warn("Delivery {}: the address of user {} is undeliverable ({}); EmailUndeliverable announced",
                        row.eventId(), row.userId(), reason);
            }
            return Outcome.APPLIED;
        });
    }

    /** INVALID at once; BOUNCED once the user's address has bounced {@code mailer.webhook.soft-bounce-limit} times. */
    private EmailUndeliverable.Reason undeliverable(Report report, Row row, int bounce) {
        if (row.undeliverableAt() != null || !VERIFICATION_TYPES.contains(row.eventType())) {
            return null;
        }
        if (report.event() == ProviderEvent.INVALID) {
            return EmailUndeliverable.Reason.INVALID;
        }
        if (bounce == 0) {
            return null;
        }
        Integer before = jdbc.queryForObject("""
                SELECT COALESCE(SUM(soft_bounces), 0) FROM delivery WHERE user_id = :user AND email_key = :key""",
                new MapSqlParameterSource("user", row.userId()).addValue("key", row.emailKey()), Integer.class);
        return before != null && before + bounce >= properties.webhook().softBounceLimit()
                ? EmailUndeliverable.Reason.BOUNCED : null;
    }

    private static String error(Report report) {
        String text = "SendCloud " + report.event().wire() + (report.code() == null ? "" : " " + report.code())
                + (report.message() == null || report.message().isBlank() ? "" : ": " + report.message().strip());
        return text.length() > MAX_ERROR ? text.substring(0, MAX_ERROR) : text;
    }

    /** Tokens older than twice the accepted age: a webhook that old is refused by its timestamp anyway. */
    @Scheduled(fixedDelayString = "PT10M", initialDelayString = "PT1M")
    void forgetOldTokens() {
        Instant before = clock.instant().minus(properties.webhook().maxAge().multipliedBy(2));
        try {
            int deleted = transactions.execute(tx -> jdbc.update(
                    "DELETE FROM webhook_token WHERE received_at < :before LIMIT 10000",
                    new MapSqlParameterSource("before", ts(before))));
            if (deleted > 0) {
                log.debug("Forgot {} webhook tokens older than {}", deleted, before);
            }
        }
        catch (RuntimeException e) {
            log.warn("Could not forget old webhook tokens, trying again in 10 minutes: {}", e.getMessage());
        }
    }

    /** Instants are stored as UTC DATETIME(6) whatever the JVM's or the server's time zone. */
    private static LocalDateTime ts(Instant instant) {
        return instant == null ? null : UtcTime.toColumn(instant);
    }
}
