package dev.verimail.mailer.delivery;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

import dev.verimail.events.registration.RegistrationEvent;
import dev.verimail.events.registration.RegistrationExpired;

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

    Mailer(Deliveries deliveries, SendPool pool, Sender sender, MailerMetrics metrics, DeliveryRetention retention) {
        this.deliveries = deliveries;
        this.pool = pool;
        this.sender = sender;
        this.metrics = metrics;
        this.retention = retention;
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
        Deliveries.Recorded recorded = deliveries.record(events);
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
