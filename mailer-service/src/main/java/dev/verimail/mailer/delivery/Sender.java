package dev.verimail.mailer.delivery;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.retry.support.RetryTemplate;
import org.springframework.stereotype.Component;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;

import dev.verimail.events.secret.SecretBox;
import dev.verimail.outbox.Traces;
import dev.verimail.events.secret.UnsealException;
import dev.verimail.mailer.config.MailerProperties;
import dev.verimail.mailer.config.SendCloudProperties;

/**
 * Sends one delivery on a send slot: a first send gets quick retries with exponential backoff and jitter, a
 * re-driven one a single attempt. Each call to the transport is preceded by one conditional statement that checks
 * the claim is still ours and extends its lease ({@link Claims#claimNew} or {@link Claims#hold}); a sender that lost
 * its claim while it waited sends nothing. What the attempts gave is recorded by {@link Outcomes}.
 */
@Component
class Sender {

    private static final Logger log = LoggerFactory.getLogger(Sender.class);

    private final Claims claims;
    private final Outcomes outcomes;
    private final MailTransport transport;
    private final MailerMetrics metrics;
    private final MailerProperties properties;
    private final Clock clock;
    private final RetryTemplate quickRetries;
    private final RetryTemplate oneAttempt;
    private final RetryTemplate databaseRetries;

    private final UnrecordedSends unrecorded;
    private final SecretBox box;
    private final Traces traces;

    Sender(Claims claims, Outcomes outcomes, MailTransport transport, MailerMetrics metrics,
            MailerProperties properties, SendCloudProperties sendCloud, Clock clock, UnrecordedSends unrecorded,
            SecretBox box, Traces traces) {
        this.claims = claims;
        this.traces = traces;
        this.box = box;
        this.unrecorded = unrecorded;
        this.outcomes = outcomes;
        this.transport = transport;
        this.metrics = metrics;
        this.properties = properties;
        this.clock = clock;
        MailerProperties.Retry retry = properties.retry();
        this.quickRetries = RetryTemplate.builder().maxAttempts(retry.maxAttempts())
                .exponentialBackoff(retry.initialInterval(), retry.multiplier(), retry.maxInterval(), true)
                .retryOn(TransientSendFailure.class).build();
        this.oneAttempt = RetryTemplate.builder().maxAttempts(1).retryOn(TransientSendFailure.class).build();
        this.databaseRetries = DatabaseRetries.create();
        checkLeaseOutlastsOneCall(properties, sendCloud);
        if (transport.developmentOnly()) {
            log.warn("Mail transport: {}; up to {} sends in flight. FOR DEVELOPMENT ONLY: /inbox and /api/inbox show "
                    + "every user's live verification link; never expose this mailer (set MAILER_TRANSPORT=sendcloud "
                    + "in production)", transport.describe(), properties.send().concurrency());
        }
        else {
            log.info("Mail transport: {}; up to {} sends in flight", transport.describe(), properties.send().concurrency());
        }
    }

    /**
     * The lease is extended right before each call; it must outlast that call (connect and reply timeouts) with room
     * to spare for recording the outcome, or another instance could take the delivery over mid-call.
     */
    private static void checkLeaseOutlastsOneCall(MailerProperties properties, SendCloudProperties sendCloud) {
        Duration oneCall = sendCloud.timeout().plus(sendCloud.connectTimeout());
        if (properties.redrive().lease().compareTo(oneCall.multipliedBy(2)) < 0) {
            throw new IllegalStateException("mailer.redrive.lease (" + properties.redrive().lease()
                    + ") must be at least twice as long as one call to SendCloud can take (sendcloud.timeout + "
                    + "sendcloud.connect-timeout = " + oneCall + ")");
        }
    }

    /** A delivery its consumer has just recorded: claimed here, now that it has a slot, then sent. */
    void sendNew(Claim recorded) {
        run(recorded, () -> databaseRetries.execute(db -> claims.claimNew(recorded)).ifPresentOrElse(claim -> attempt(claim, true),
                () -> log.info("Delivery {} not sent by its consumer: by the time a send slot was free it had been "
                        + "taken over by the re-drive or made moot by a newer link", recorded.eventId())));
    }

    /** A delivery the re-drive has just claimed. */
    void send(Claim claim) {
        run(claim, () -> attempt(claim, false));
    }

    /**
     * Runs {@code send} in a span that continues the trace of the sign-up that asked for the email (the delivery's
     * stored {@code traceparent}), so that its log lines and the provider call carry that trace id.
     */
    private void run(Claim claim, Runnable send) {
        Span span = traces.start("mailer deliver", claim.traceparent(), null)
                .tag("verimail.event_id", claim.eventId().toString()).tag("verimail.event_type", claim.eventType());
        try (Tracer.SpanInScope scope = traces.tracer().withSpan(span)) {
            send.run();
        }
        catch (RuntimeException e) {
            span.error(e);
            log.error("Delivery {} could not be completed; it is re-driven once its lease is over", claim.eventId(), e);
        }
        finally {
            span.end();
        }
    }

    /** One call to the provider, in a client span of the delivery's trace. */
    private SendResult call(Mail mail) {
        Span span = traces.start("mail send", traces.current(), Span.Kind.CLIENT).tag("verimail.transport",
                transport.name());
        try (Tracer.SpanInScope scope = traces.tracer().withSpan(span)) {
            SendResult r = metrics.timeSend(() -> transport.send(mail));
            span.tag("verimail.outcome", r.outcome().name());
            return r;
        }
        catch (RuntimeException e) {
            span.error(e);
            throw e;
        }
        finally {
            span.end();
        }
    }

    /**
     * The authcode of a delivery, opened: deliveries keep it sealed as the event brought it. A row written by a
     * version before v2 events holds it in clear and is used as is until it is sent or expires.
     */
    private String authcode(Claim claim) {
        return SecretBox.isSealed(claim.authcode())
                ? box.open(claim.authcode(), SecretBox.authcodeContext(claim.userId(), claim.token()))
                : claim.authcode();
    }

    /** {@code fresh}: the claim was taken just now, which checked it as {@link Claims#hold} would. */
    private void attempt(Claim claim, boolean fresh) {
        if (unrecorded.isWaiting(claim.eventId())) {
            log.info("Delivery {} not sent again: it went out while the database was down and waits to be recorded",
                    claim.eventId());
            return;
        }
        // no link: the clean-up cleared it because it had expired (by another instance's clock, perhaps); a notice
        // has none to begin with
        if (!clock.instant().isBefore(claim.expiresAt())
                || !claim.notice() && (claim.token() == null || claim.authcode() == null)) {
            outcomes.expired(claim, null, 0);
            return;
        }
        String authcode = null;
        String code = null;
        if (!claim.notice()) {
            try {
                authcode = authcode(claim);
            }
            catch (UnsealException e) {
                outcomes.failed(claim, SendResult.permanentFailure(null, "the authcode does not open: "
                        + e.getMessage() + "; check VERIMAIL_SECRET_KEYS, then re-drive"), 0);
                return;
            }
            try {
                code = claim.sealedCode() == null ? null
                        : box.open(claim.sealedCode(), SecretBox.codeContext(claim.userId(), claim.token()));
            }
            catch (UnsealException e) {
                outcomes.failed(claim, SendResult.permanentFailure(null, "the code does not open: "
                        + e.getMessage() + "; check VERIMAIL_SECRET_KEYS, then re-drive"), 0);
                return;
            }
        }
        Mail mail = (claim.kind() == Mail.Kind.SIGNUP_ATTEMPTED
                ? Mail.signupAttempted(claim.eventId(), claim.email(), claim.name())
                : claim.kind() == Mail.Kind.EMAIL_CHANGE_NOTICE
                        ? Mail.emailChangeNotice(claim.eventId(), claim.email(), claim.name(), claim.changedTo())
                : Mail.verification(claim.eventId(), claim.email(), claim.name(),
                        Links.verification(properties.verificationUrl(), claim.token(), authcode), code))
                .inLanguage(claim.locale());
        boolean redriven = claim.status() == DeliveryStatus.RETRYING;
        AtomicInteger calls = new AtomicInteger();
        AtomicReference<SendResult> lastFailure = new AtomicReference<>();
        SendResult result;
        try {
            result = (redriven ? oneAttempt : quickRetries).execute(ctx -> {
                if (ctx.getRetryCount() > 0) {
                    metrics.retried("quick");
                }
                else if (redriven) {
                    metrics.retried("redrive");
                }
                if (!(fresh && calls.get() == 0) && !databaseRetries.execute(db -> claims.hold(claim))) {
                    throw new ClaimLost();
                }
                if (calls.get() == 0 && claim.attempts() == 0) {
                    metrics.firstCall(claim.occurredAt(), clock.instant());
                }
                calls.incrementAndGet();
                SendResult r = call(mail);
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
            log.info("Delivery {} not sent: its claim was no longer valid before attempt {} (lease over and taken "
                    + "over by another instance or the re-drive, or made moot by a newer link)", claim.eventId(),
                    claim.attempts() + calls.get() + 1);
            return;
        }
        catch (TransientSendFailure e) {
            outcomes.notSentYet(claim, e.result(), calls.get());
            return;
        }
        if (result.outcome() == SendResult.Outcome.SENT) {
            outcomes.sent(claim, result, calls.get(), lastFailure.get());
        }
        else {
            outcomes.failed(claim, result, calls.get());
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

    /** The claim is no longer ours (or the delivery became moot): stop without recording anything. */
    static final class ClaimLost extends RuntimeException {

        ClaimLost() {
            super("claim lost", null, false, false);
        }
    }
}
