package dev.verimail.mailer.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.retry.support.RetryTemplate;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.CannotCreateTransactionException;

import dev.verimail.mailer.config.MailerProperties;
import dev.verimail.mailer.config.SendCloudProperties;
import jakarta.annotation.PreDestroy;

/**
 * Sends claimed deliveries on a bounded pool, so one slow reply never holds up a partition: at most
 * {@code mailer.send.concurrency} sends are in flight, and whoever hands over more waits for a free slot (Kafka
 * consumption slows down instead of memory filling up). A first send gets quick retries with exponential backoff
 * and jitter; a re-driven one gets one attempt.
 */
@Component
class Dispatcher {

    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
    /** SendCloud's statusCode for a wrong API user or key. */
    private static final int BAD_CREDENTIALS = 40005;
    private static final Duration CREDENTIALS_WARNING_EVERY = Duration.ofMinutes(1);

    private final Deliveries deliveries;
    private final MailTransport transport;
    private final MailerMetrics metrics;
    private final MailerProperties properties;
    private final Clock clock;
    private final Semaphore slots;
    private final ThreadPoolExecutor workers;
    private final RetryTemplate quickRetries;
    private final RetryTemplate oneAttempt;
    private final RetryTemplate databaseRetries;
    private final int concurrency;
    private final AtomicLong lastCredentialsWarning = new AtomicLong();

    Dispatcher(Deliveries deliveries, MailTransport transport, MailerMetrics metrics, MailerProperties properties,
            SendCloudProperties sendCloud, Clock clock) {
        this.deliveries = deliveries;
        this.transport = transport;
        this.metrics = metrics;
        this.properties = properties;
        this.clock = clock;
        this.concurrency = properties.send().concurrency();
        this.slots = new Semaphore(concurrency);
        this.workers = new ThreadPoolExecutor(concurrency, concurrency, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), new CustomizableThreadFactory("mailer-send-"));
        this.workers.allowCoreThreadTimeOut(true);
        MailerProperties.Retry retry = properties.retry();
        this.quickRetries = RetryTemplate.builder().maxAttempts(retry.maxAttempts())
                .exponentialBackoff(retry.initialInterval(), retry.multiplier(), retry.maxInterval(), true)
                .retryOn(TransientSendFailure.class).build();
        this.oneAttempt = RetryTemplate.builder().maxAttempts(1).retryOn(TransientSendFailure.class).build();
        this.databaseRetries = RetryTemplate.builder().maxAttempts(5)
                .exponentialBackoff(Duration.ofMillis(200), 2, Duration.ofSeconds(3), true)
                .retryOn(List.of(TransientDataAccessException.class, DataAccessResourceFailureException.class,
                        CannotCreateTransactionException.class))
                .traversingCauses().build();
        metrics.inFlight(() -> concurrency - slots.availablePermits());
        checkLeaseOutlastsQuickRetries(properties, sendCloud);
        log.info("Mail transport: {}; up to {} sends in flight", transport.describe(), concurrency);
    }

    /** A claim must not run out while its quick retries may still be going, or the re-drive could send it too. */
    private static void checkLeaseOutlastsQuickRetries(MailerProperties properties, SendCloudProperties sendCloud) {
        MailerProperties.Retry retry = properties.retry();
        Duration perCall = sendCloud.timeout().plus(sendCloud.connectTimeout());
        Duration pauses = retry.maxInterval().multipliedBy((long) Math.ceil(retry.multiplier()))
                .multipliedBy(Math.max(0, retry.maxAttempts() - 1));
        Duration worst = perCall.multipliedBy(retry.maxAttempts()).plus(pauses);
        if (properties.redrive().lease().compareTo(worst) <= 0) {
            throw new IllegalStateException("mailer.redrive.lease (" + properties.redrive().lease()
                    + ") must be longer than the quick retries can take (" + worst + ")");
        }
    }

    int freeSlots() {
        return slots.availablePermits();
    }

    /** Hands the claims to the pool, waiting for free slots. Returns early only when interrupted (shutdown). */
    void dispatch(List<Claim> claims) {
        for (Claim claim : claims) {
            try {
                slots.acquire();
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                log.info("Interrupted; the remaining deliveries are re-driven once their lease is over");
                return;
            }
            try {
                workers.execute(() -> {
                    try {
                        deliver(claim);
                    }
                    finally {
                        slots.release();
                    }
                });
            }
            catch (RejectedExecutionException e) {
                slots.release();
                log.info("Shutting down; delivery {} is re-driven once its lease is over", claim.eventId());
                return;
            }
        }
    }

    void deliver(Claim claim) {
        try {
            attempt(claim);
        }
        catch (RuntimeException e) {
            log.error("Delivery {} could not be completed; it is re-driven once its lease is over", claim.eventId(), e);
        }
    }

    private void attempt(Claim claim) {
        if (!clock.instant().isBefore(claim.expiresAt())) {
            if (databaseRetries.execute(ctx -> deliveries.expire(claim, null, 0))) {
                metrics.failed("expired");
                log.warn("Delivery {} given up: its link expired before it could be sent", claim.eventId());
            }
            return;
        }
        Mail mail = new Mail(claim.eventId(), claim.email(), claim.name(),
                Links.verification(properties.verificationUrl(), claim.token(), claim.authcode()));
        boolean redriven = claim.status() == DeliveryStatus.RETRYING;
        AtomicInteger calls = new AtomicInteger();
        AtomicReference<SendResult> lastFailure = new AtomicReference<>();
        SendResult result;
        try {
            result = (redriven ? oneAttempt : quickRetries).execute(ctx -> {
                if (ctx.getRetryCount() > 0) {
                    metrics.retried("quick");
                    if (!deliveries.renew(claim)) {
                        throw new ClaimLost();
                    }
                }
                else if (redriven) {
                    metrics.retried("redrive");
                }
                if (calls.get() == 0 && claim.attempts() == 0) {
                    metrics.firstCall(claim.occurredAt(), clock.instant());
                }
                calls.incrementAndGet();
                SendResult r = metrics.timeSend(() -> transport.send(mail));
                if (r.outcome() == SendResult.Outcome.TRANSIENT) {
                    lastFailure.set(r);
                    log.info("Delivery {}: attempt {} failed, may retry: {}", claim.eventId(),
                            claim.attempts() + calls.get(), r.error());
                    throw new TransientSendFailure(r);
                }
                return r;
            });
        }
        catch (ClaimLost e) {
            log.info("Delivery {} is no longer ours to send (superseded, or taken over after its lease)", claim.eventId());
            return;
        }
        catch (TransientSendFailure e) {
            Instant next = databaseRetries.execute(ctx -> deliveries.scheduleRetry(claim, e.result(), calls.get()));
            if (next != null) {
                metrics.retried("scheduled");
                log.warn("Delivery {} not sent after {} attempt(s) ({}); next attempt at {}", claim.eventId(),
                        claim.attempts() + calls.get(), e.result().error(), next);
            }
            else if (!clock.instant().isBefore(claim.expiresAt())) {
                metrics.failed("expired");
                log.warn("Delivery {} given up: its link expired before it could be sent ({})", claim.eventId(),
                        e.result().error());
            }
            return;
        }
        if (result.outcome() == SendResult.Outcome.SENT) {
            if (databaseRetries.execute(ctx -> deliveries.markSent(claim, result.messageId(), calls.get(), lastFailure.get()))) {
                metrics.sent();
                log.debug("Delivery {} sent as {}", claim.eventId(), result.messageId());
            }
            else {
                log.warn("Delivery {} was sent, but another instance had taken it over", claim.eventId());
            }
        }
        else {
            databaseRetries.execute(ctx -> deliveries.markFailed(claim, result, calls.get()));
            metrics.failed(result.code() == null ? "none" : result.code().toString());
            log.warn("Delivery {} failed for good: {}. It keeps its link until {}: once the cause is fixed, "
                    + "POST /admin/deliveries/redrive?code={} sends it", claim.eventId(), result.error(),
                    claim.expiresAt(), result.code());
            if (result.code() != null && result.code() == BAD_CREDENTIALS) {
                warnAboutCredentials();
            }
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

    /** Lets running sends finish and record their outcome; undispatched claims are re-driven after their lease. */
    @PreDestroy
    void shutdown() throws InterruptedException {
        workers.shutdown();
        if (!workers.awaitTermination(30, TimeUnit.SECONDS)) {
            workers.shutdownNow();
        }
    }

    /** A failure worth another attempt: spring-retry retries exactly this. */
    static final class TransientSendFailure extends RuntimeException {

        private final transient SendResult result;

        TransientSendFailure(SendResult result) {
            super(result.error(), null, false, false);
            this.result = result;
        }

        SendResult result() {
            return result;
        }
    }

    /** The delivery became moot or another instance took it over: stop without recording anything. */
    static final class ClaimLost extends RuntimeException {

        ClaimLost() {
            super("claim lost", null, false, false);
        }
    }
}
