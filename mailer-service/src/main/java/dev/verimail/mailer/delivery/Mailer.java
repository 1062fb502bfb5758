package dev.verimail.mailer.delivery;

import java.util.List;

import org.springframework.stereotype.Service;

import dev.verimail.events.registration.RegistrationEvent;

/**
 * Where consumed events come in: each one is recorded (once, whatever the redeliveries) and the new ones are
 * handed to the senders once the records are committed.
 */
@Service
public class Mailer {

    private final Deliveries deliveries;
    private final Dispatcher dispatcher;
    private final MailerMetrics metrics;

    Mailer(Deliveries deliveries, Dispatcher dispatcher, MailerMetrics metrics) {
        this.deliveries = deliveries;
        this.dispatcher = dispatcher;
        this.metrics = metrics;
    }

    /** Blocks while all send slots are taken, which slows the consumer down instead of queueing without bound. */
    public void accept(List<RegistrationEvent> events) {
        Deliveries.Recorded recorded = deliveries.record(events);
        for (int i = 0; i < recorded.superseded(); i++) {
            metrics.failed("superseded");
        }
        for (int i = 0; i < recorded.expired(); i++) {
            metrics.failed("expired");
        }
        dispatcher.dispatch(recorded.claims());
    }
}
