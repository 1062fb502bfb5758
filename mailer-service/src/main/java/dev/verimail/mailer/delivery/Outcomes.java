package dev.verimail.mailer.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.retry.support.RetryTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionException;

/**
 * Records what the attempts at one delivery gave, with the metric and the log line that go with it. Every write is
 * conditional on the claim token ({@link Claims}) and retried through a short database outage: the email may
 * already have gone out, and what was sent must be recorded or it is sent again.
 */
@Component
class Outcomes {

    private static final Logger log = LoggerFactory.getLogger(Outcomes.class);
    /** SendCloud's statusCode for a wrong API user or key. */
    private static final int BAD_CREDENTIALS = 40005;
    private static final Duration CREDENTIALS_WARNING_EVERY = Duration.ofMinutes(1);

    private final Claims claims;
    private final MailerMetrics metrics;
    private final Clock clock;
    private final RetryTemplate databaseRetries;
    private final AtomicLong lastCredentialsWarning = new AtomicLong();

    private final UnrecordedSends unrecorded;

    Outcomes(Claims claims, MailerMetrics metrics, Clock clock, UnrecordedSends unrecorded) {
        this.claims = claims;
        this.unrecorded = unrecorded;
        this.metrics = metrics;
        this.clock = clock;
        this.databaseRetries = DatabaseRetries.create();
    }

    /**
     * If the database is still unreachable after the short retries, the send is handed to {@link UnrecordedSends}:
     * the email went out and must not go out again.
     */
    void sent(Claim claim, SendResult result, int calls, SendResult lastFailure) {
        boolean recorded;
        try {
            recorded = databaseRetries.execute(ctx -> claims.markSent(claim, result.messageId(), calls, lastFailure));
        }
        catch (DataAccessException | TransactionException databaseDown) {
            unrecorded.remember(claim.eventId(), result.messageId(), calls);
            metrics.sent();
            return;
        }
        if (recorded) {
            metrics.sent();
            log.debug("Delivery {} sent as {}", claim.eventId(), result.messageId());
        }
        else {
            log.warn("Delivery {} was sent, but another instance had taken it over", claim.eventId());
        }
    }

    /** The quick retries are used up: the re-drive tries again later, or the link has expired meanwhile. */
    void notSentYet(Claim claim, SendResult lastFailure, int calls) {
        Instant next = databaseRetries.execute(ctx -> claims.scheduleRetry(claim, lastFailure, calls));
        if (next != null) {
            metrics.retried("scheduled");
            log.warn("Delivery {} not sent after {} attempt(s) ({}); next attempt at {}", claim.eventId(),
                    claim.attempts() + calls, lastFailure.error(), next);
        }
        else if (!clock.instant().isBefore(claim.expiresAt())) {
            metrics.failed("expired");
            log.warn("Delivery {} given up: {} before it could be sent ({})", claim.eventId(), gone(claim),
                    lastFailure.error());
        }
    }

    void expired(Claim claim, SendResult lastFailure, int calls) {
        if (databaseRetries.execute(ctx -> claims.expire(claim, lastFailure, calls))) {
            metrics.failed("expired");
            log.warn("Delivery {} given up: {} before it could be sent", claim.eventId(), gone(claim));
        }
    }

    private static String gone(Claim claim) {
        return claim.notice() ? "the notice expired (mailer.notice.ttl)" : "its link expired";
    }

    void failed(Claim claim, SendResult result, int calls) {
        databaseRetries.execute(ctx -> claims.markFailed(claim, result, calls));
        metrics.failed(result.code() == null ? "none" : result.code().toString());
        log.warn("Delivery {} failed for good: {}. It keeps its link until {}: once the cause is fixed, "
                + "POST /admin/deliveries/redrive?code={} sends it", claim.eventId(), result.error(),
                claim.expiresAt(), result.code());
        if (result.code() != null && result.code() == BAD_CREDENTIALS) {
            warnAboutCredentials();
        }
    }

    /**
     * SendCloud refuses our credentials: no email can go out until an operator acts, so say what to do, at most
     * once a minute (a batch of failures must not flood the log). Never names the key.
     */
    private void warnAboutCredentials() {
        long now = System.nanoTime();
        long last = lastCredentialsWarning.get();
        if (last != 0 && now - last < CREDENTIALS_WARNING_EVERY.toNanos()) {
            return;
        }
        if (lastCredentialsWarning.compareAndSet(last, now == 0 ? 1 : now)) {
            log.error("SendCloud rejects the API credentials ({}): no verification email can be sent. Fix "
                    + "SENDCLOUD_API_USER / SENDCLOUD_API_KEY and restart the mailer, then send the failed deliveries "
                    + "with POST /admin/deliveries/redrive?code={} (they keep their link until it expires; "
                    + "mailer_emails_failed_total{code=\"{}\"} counts them)", BAD_CREDENTIALS, BAD_CREDENTIALS,
                    BAD_CREDENTIALS);
        }
    }
}
