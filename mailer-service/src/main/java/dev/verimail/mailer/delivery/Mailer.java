package dev.verimail.mailer.delivery;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

import dev.verimail.events.registration.RegistrationEvent;
import dev.verimail.events.registration.RegistrationExpired;
import dev.verimail.events.registration.EmailChangeCancelled;
import dev.verimail.events.registration.EmailChangeRequested;
import dev.verimail.events.registration.SignupAttempted;

/**
 * Where consumed events come in: each one is recorded (once, whatever the redeliveries), then each new delivery
 * waits for a send slot and is claimed only once it has one, so a consumer never holds claims it cannot work on.
 */
@Service
public class Mailer {

    private static final Logger log = LoggerFactory.getLogger(Mailer.class);

    private final Deliveries deliveries;
    private final SendPool pool;
    private final Sender sender;
    private final MailerMetrics metrics;
    private final DeliveryRetention retention;
    private final MailTransport transport;
    private final AtomicBoolean warnedAboutNotices = new AtomicBoolean();
    private final AtomicBoolean warnedAboutChangeNotices = new AtomicBoolean();

    Mailer(Deliveries deliveries, SendPool pool, Sender sender, MailerMetrics metrics, DeliveryRetention retention,
            MailTransport transport) {
        this.deliveries = deliveries;
        this.pool = pool;
        this.sender = sender;
        this.metrics = metrics;
        this.retention = retention;
        this.transport = transport;
    }

    /** Registrations that expired unverified: the mailer forgets their deliveries. Idempotent. */
    public void forget(List<RegistrationExpired> expired) {
        retention.forget(expired);
    }

    /**
     * Blocks while all send slots are taken, which slows the consumer down instead of queueing without bound. A
     * delivery it does not get to (shutdown) is recorded and sent by the re-drive once its grace period is over.
     */
    public void accept(List<RegistrationEvent> events) {
        accept(events, Map.of());
    }

    /** As {@link #accept(List)}; {@code traceparents}: the trace of each event (by id), which its send continues. */
    public void accept(List<RegistrationEvent> events, Map<UUID, String> traceparents) {
        send(deliveries.record(events, traceparents));
    }

    /**
     * "Someone tried to sign up with your address": one notice per event, through the same deliveries, claims,
     * retries and re-drive as a verification email. When the transport cannot send notices (SendCloud without
     * {@code SENDCLOUD_NOTICE_TEMPLATE}) each is recorded FAILED as SKIPPED instead, with a WARN the first time.
     */
    public void notify(List<SignupAttempted> events) {
        notify(events, Map.of());
    }

    /** As {@link #notify(List)}; {@code traceparents}: the trace of each event (by id). */
    public void notify(List<SignupAttempted> events, Map<UUID, String> traceparents) {
        String skip = transport.sendsNotices() ? null : transport.whyNoNotices();
        Deliveries.Recorded recorded = deliveries.recordNotices(events, skip, traceparents);
        if (recorded.skipped() > 0) {
            if (warnedAboutNotices.compareAndSet(false, true)) {
                log.warn("Sign-up attempt notices are not sent: {}. They are recorded as FAILED (SKIPPED) in "
                        + "/api/deliveries; set it and restart the mailer to send the next ones", skip);
            }
            for (int i = 0; i < recorded.skipped(); i++) {
                metrics.failed("skipped");
            }
        }
        send(recorded);
    }

    /**
     * An operator is changing the user's address ({@code EmailChangeRequested}): besides the verification email to
     * the new address ({@link #accept}), a notice to the current one, through the same deliveries, claims, retries
     * and re-drive. When the transport cannot send it (SendCloud without {@code SENDCLOUD_CHANGE_NOTICE_TEMPLATE})
     * each is recorded FAILED as SKIPPED instead, with a WARN the first time.
     */
    public void notifyChanges(List<EmailChangeRequested> events, Map<UUID, String> traceparents) {
        String skip = transport.whyNot(Mail.Kind.EMAIL_CHANGE_NOTICE);
        Deliveries.Recorded recorded = deliveries.recordChangeNotices(events, skip, traceparents);
        if (recorded.skipped() > 0) {
            if (warnedAboutChangeNotices.compareAndSet(false, true)) {
                log.warn("Address change notices are not sent: {}. They are recorded as FAILED (SKIPPED) in "
                        + "/api/deliveries; set it and restart the mailer to send the next ones", skip);
            }
            for (int i = 0; i < recorded.skipped(); i++) {
                metrics.failed("skipped");
            }
        }
        send(recorded);
    }

    /** Cancelled address changes: their verification emails, if not sent yet, are not sent. Idempotent. */
    public void cancelChanges(List<EmailChangeCancelled> events) {
        int moot = deliveries.cancelChanges(events);
        for (int i = 0; i < moot; i++) {
            metrics.failed("superseded");
        }
    }

    private void send(Deliveries.Recorded recorded) {
        for (int i = 0; i < recorded.superseded(); i++) {
            metrics.failed("superseded");
        }
        for (int i = 0; i < recorded.expired(); i++) {
            metrics.failed("expired");
        }
        for (Claim delivery : recorded.toSend()) {
            if (!pool.submit(() -> sender.sendNew(delivery))) {
                log.info("Shutting down; the remaining deliveries of this batch are re-driven after their grace period");
                return;
            }
        }
    }
}
