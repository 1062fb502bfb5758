package dev.verimail.registration.messaging;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import dev.verimail.events.verification.EmailChanged;
import dev.verimail.events.verification.EmailUndeliverable;
import dev.verimail.events.verification.EmailVerified;
import dev.verimail.events.verification.VerificationEvent;
import dev.verimail.messaging.ConsumerPolicy;
import dev.verimail.messaging.EventRecords;
import dev.verimail.messaging.TrustProperties;
import dev.verimail.messaging.TrustedProducer;
import dev.verimail.messaging.UnreadableEventException;
import dev.verimail.outbox.Traces;
import dev.verimail.registration.user.Registrations;

/**
 * Applies {@code verification-events}, a whole poll in one transaction: verification-service's {@code EmailVerified}
 * marks users VERIFIED (or moves a user to the confirmed address of their pending change), the mailer's
 * {@code EmailUndeliverable} marks PENDING users UNDELIVERABLE; this service's own {@code EmailChanged} is skipped. Idempotent by
 * construction: only a user in the status an event moves from changes. Each type is believed only from its one
 * producer ({@link TrustedProducer}); unreadable or untrusted records are dead-lettered, a failing database is waited
 * out (see {@link ConsumerPolicy}). The listener id is the consumer group the broker's ACLs name.
 */
@Component
class VerificationEventsListener {

    private final Registrations registrations;
    private final ConsumerPolicy policy;
    private final TrustedProducer producer;
    private final Traces traces;

    VerificationEventsListener(Registrations registrations, ConsumerPolicy policy, TrustProperties trust,
            Traces traces) {
        this.traces = traces;
        this.registrations = registrations;
        this.policy = policy;
        this.producer = new TrustedProducer(trust.verificationSource(), Set.of(EmailVerified.CLOUD_EVENT_TYPE))
                .and(new TrustedProducer(trust.mailerSource(), Set.of(EmailUndeliverable.CLOUD_EVENT_TYPE)))
                // our own EmailChanged (written by this service to verification-events): read, and skipped
                .and(new TrustedProducer(trust.registrationSource(), Set.of(EmailChanged.CLOUD_EVENT_TYPE)));
    }

    @KafkaListener(id = "registration-email-verified",
            topics = "${registration.topics.verification-events:verification-events}", batch = "true")
    void on(List<ConsumerRecord<String, String>> records, Consumer<?, ?> consumer) {
        // each record read in its consumer span (the click's or the bounce's trace)
        Map<UUID, String> traceparents = new HashMap<>();
        policy.consume(records, consumer, record -> traces.receiving(record, this::read,
                (event, traceparent) -> traceparents.put(event.eventId(), traceparent)),
                events -> registrations.applyAll(events, traceparents));
    }

    /** Only the two trusted types count, with the fields they are applied by: anything else is dead-lettered. */
    private VerificationEvent read(ConsumerRecord<String, String> record) {
        VerificationEvent event = EventRecords.read(record, VerificationEvent.class, producer);
        if (event instanceof EmailVerified verified) {
            if (verified.eventId() == null || verified.verifiedAt() == null || verified.userId() <= 0) {
                throw new UnreadableEventException("EmailVerified without eventId, userId or verifiedAt");
            }
            return verified;
        }
        if (event instanceof EmailUndeliverable undeliverable) {
            if (undeliverable.eventId() == null || undeliverable.occurredAt() == null || undeliverable.userId() <= 0
                    || undeliverable.email() == null || undeliverable.deliveryEventId() == null
                    || undeliverable.reason() == null) {
                throw new UnreadableEventException(
                        "EmailUndeliverable without eventId, occurredAt, userId, email, deliveryEventId or reason");
            }
            return undeliverable;
        }
        // EmailChanged: this service wrote it when it moved the user; nothing to apply
        return null;
    }
}
