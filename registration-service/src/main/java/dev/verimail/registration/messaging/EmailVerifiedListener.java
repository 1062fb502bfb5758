package dev.verimail.registration.messaging;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

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
 * Marks users VERIFIED from {@code verification-events}, a whole poll in one transaction. Idempotent by
 * construction: only a PENDING user changes. Unreadable records are dead-lettered, a failing database is waited
 * out (see {@link ConsumerPolicy}).
 */
@Component
class EmailVerifiedListener {

    private final Registrations registrations;
    private final ConsumerPolicy policy;
    private final TrustedProducer producer;
    private final Traces traces;

    EmailVerifiedListener(Registrations registrations, ConsumerPolicy policy, TrustProperties trust,
            Traces traces) {
        this.traces = traces;
        this.registrations = registrations;
        this.policy = policy;
        this.producer = new TrustedProducer(trust.verificationSource(), java.util.Set.of(EmailVerified.CLOUD_EVENT_TYPE));
    }

    @KafkaListener(id = "registration-email-verified",
            topics = "${registration.topics.verification-events:verification-events}", batch = "true")
    void on(List<ConsumerRecord<String, String>> records, Consumer<?, ?> consumer) {
        // each record read in its consumer span (the click's trace)
        Map<UUID, String> traceparents = new HashMap<>();
        policy.consume(records, consumer, record -> traces.receiving(record, this::read,
                (event, traceparent) -> traceparents.put(event.eventId(), traceparent)),
                events -> registrations.markAllVerified(events, traceparents));
    }

    /** Only verification-service's {@code EmailVerified} counts: anything else is dead-lettered with the reason. */
    private EmailVerified read(ConsumerRecord<String, String> record) {
        VerificationEvent event = EventRecords.read(record, VerificationEvent.class, producer);
        if (event instanceof EmailVerified verified) {
            if (verified.eventId() == null || verified.verifiedAt() == null || verified.userId() <= 0) {
                throw new UnreadableEventException("EmailVerified without eventId, userId or verifiedAt");
            }
            return verified;
        }
        return null;
    }
}
