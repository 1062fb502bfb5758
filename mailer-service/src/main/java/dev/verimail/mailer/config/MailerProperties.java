package dev.verimail.mailer.config;

import java.net.URI;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of mailer-service ({@code mailer.*}; in the environment {@code MAILER_*}, e.g.
 * {@code MAILER_VERIFICATION_URL}, {@code MAILER_SEND_CONCURRENCY}, {@code MAILER_REDRIVE_MAX_DELAY}).
 *
 * @param verificationUrl the page the link points at; {@code ?token=..&authcode=..} is appended
 * @param topics          Kafka topics
 * @param send            how many sends may be in flight at once
 * @param retry           the quick retries of one send, within seconds
 * @param redrive         the scheduled re-drive of deliveries the quick retries could not send
 * @param retention       how long links, deliveries and inbox rows are kept
 * @param notice          the "someone tried to sign up with your address" notices
 * @param webhook         how SendCloud's delivery events ({@code POST /webhooks/sendcloud}) are checked and counted
 */
@ConfigurationProperties("mailer")
public record MailerProperties(
        @DefaultValue("http://localhost:8082/verify") URI verificationUrl,
        @DefaultValue Topics topics,
        @DefaultValue Send send,
        @DefaultValue Retry retry,
        @DefaultValue Redrive redrive,
        @DefaultValue Retention retention,
        @DefaultValue Notice notice,
        @DefaultValue Webhook webhook) {

    /**
     * SendCloud's webhooks ({@code MAILER_WEBHOOK_MAX_AGE}, {@code MAILER_WEBHOOK_SOFT_BOUNCE_LIMIT}); the signing key
     * is {@code SENDCLOUD_WEBHOOK_KEY} ({@link SendCloudProperties#webhookKey()}).
     *
     * @param maxAge          how far a webhook's signed timestamp may be from now; an older one is refused (403). An
     *                        hour by default: SendCloud retries a webhook it could not deliver after 1, 2, 4, 8 and 16
     *                        minutes. Tokens are remembered twice as long, so a replay within the window is caught.
     * @param softBounceLimit soft bounces of one user's address (over all its deliveries) after which the address
     *                        counts as undeliverable ({@code EmailUndeliverable} with reason {@code BOUNCED})
     */
    public record Webhook(
            @DefaultValue("PT1H") Duration maxAge,
            @DefaultValue("3") int softBounceLimit) {

        public Webhook {
            if (maxAge.isNegative() || maxAge.isZero()) {
                throw new IllegalArgumentException("mailer.webhook.max-age must be positive");
            }
            if (softBounceLimit < 1) {
                throw new IllegalArgumentException("mailer.webhook.soft-bounce-limit must be at least 1");
            }
        }
    }

    /**
     * {@code SignupAttempted} notices ({@code MAILER_NOTICE_TTL}).
     *
     * @param ttl how long after the attempt a notice may still be sent; its re-drive stops then (it is FAILED as
     *            EXPIRED), as a verification email's does when its link expires
     */
    public record Notice(@DefaultValue("PT24H") Duration ttl) {

        public Notice {
            if (ttl.isNegative() || ttl.isZero()) {
                throw new IllegalArgumentException("mailer.notice.ttl must be positive");
            }
        }
    }

    /**
     * @param registrationEvents where {@code UserRegistered} and {@code VerificationReissued} come from
     * @param verificationEvents where {@code EmailUndeliverable} goes (through the outbox)
     * @param partitions         partitions of the topics this service creates if missing (and of their DLT)
     */
    public record Topics(
            @DefaultValue(dev.verimail.events.Topics.REGISTRATION_EVENTS) String registrationEvents,
            @DefaultValue(dev.verimail.events.Topics.VERIFICATION_EVENTS) String verificationEvents,
            @DefaultValue("6") int partitions) {
    }

    /**
     * @param concurrency sends in flight at once, over all partitions; SendCloud answers in 100-300 ms, so 256
     *                    keep about 1,000 sends/s going
     */
    public record Send(@DefaultValue("256") int concurrency) {

        public Send {
            if (concurrency < 1) {
                throw new IllegalArgumentException("mailer.send.concurrency must be at least 1");
            }
        }
    }

    /**
     * Exponential backoff with jitter between the attempts of one send (spring-retry).
     *
     * @param maxAttempts     calls to SendCloud before the delivery is handed to the re-drive
     * @param initialInterval pause after the first failure
     * @param multiplier      growth of the pause
     * @param maxInterval     longest pause
     */
    public record Retry(
            @DefaultValue("4") int maxAttempts,
            @DefaultValue("PT0.5S") Duration initialInterval,
            @DefaultValue("2.0") double multiplier,
            @DefaultValue("PT4S") Duration maxInterval) {

        public Retry {
            if (maxAttempts < 1 || multiplier < 1 || initialInterval.isNegative() || maxInterval.isNegative()) {
                throw new IllegalArgumentException("mailer.retry: max-attempts >= 1, multiplier >= 1, intervals >= 0");
            }
        }
    }

    /**
     * @param interval     how often due deliveries are looked for
     * @param initialDelay delay before the first re-drive of a delivery; it doubles on each further one
     * @param maxDelay     longest delay between two re-drives
     * @param lease        how long a claimed delivery belongs to the instance sending it; a PENDING delivery left
     *                     by a crashed instance is sent again once its lease is over. Must outlast the quick retries.
     * @param batchSize    deliveries claimed per query
     */
    public record Redrive(
            @DefaultValue("PT5S") Duration interval,
            @DefaultValue("PT1M") Duration initialDelay,
            @DefaultValue("PT1H") Duration maxDelay,
            @DefaultValue("PT5M") Duration lease,
            @DefaultValue("100") int batchSize) {

        public Redrive {
            if (interval.isNegative() || interval.isZero() || initialDelay.isNegative() || lease.isNegative()
                    || lease.isZero() || batchSize < 1 || maxDelay.compareTo(initialDelay) < 0) {
                throw new IllegalArgumentException("mailer.redrive: positive interval and lease, batch-size >= 1, "
                        + "max-delay >= initial-delay");
            }
        }
    }

    /**
     * The scheduled clean-up ({@code MAILER_RETENTION_*}). Links of final deliveries go at every run whatever these
     * say; they only set how long the rest is kept.
     *
     * @param interval   pause between two runs
     * @param deliveries how long a delivery row is kept after it became final (and lost its link)
     * @param inbox      how long a built-in inbox email is kept
     * @param batch      rows per statement; each batch is its own short transaction
     */
    public record Retention(
            @DefaultValue("PT5M") Duration interval,
            @DefaultValue("P30D") Duration deliveries,
            @DefaultValue("P1D") Duration inbox,
            @DefaultValue("500") int batch) {

        public Retention {
            if (interval.isNegative() || interval.isZero() || deliveries.isNegative() || inbox.isNegative()
                    || batch < 1) {
                throw new IllegalArgumentException("mailer.retention: positive interval, durations >= 0, batch >= 1");
            }
        }
    }
}
