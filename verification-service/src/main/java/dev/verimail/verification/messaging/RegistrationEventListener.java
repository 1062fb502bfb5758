package dev.verimail.verification.messaging;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import dev.verimail.events.registration.EmailChangeCancelled;
import dev.verimail.events.registration.RegistrationEvent;
import dev.verimail.events.registration.RegistrationExpired;
import dev.verimail.events.registration.RegistrationTopicEvent;
import dev.verimail.events.registration.SignupAttempted;
import dev.verimail.messaging.ConsumerPolicy;
import dev.verimail.messaging.EventRecords;
import dev.verimail.messaging.TrustProperties;
import dev.verimail.messaging.TrustedProducer;
import dev.verimail.messaging.UnreadableEventException;
import dev.verimail.outbox.Traces;
import dev.verimail.verification.challenge.Challenges;

/**
 * Stores the challenge of every {@code UserRegistered} and {@code VerificationReissued}, a whole poll in one
 * transaction, then forgets the users of every {@code RegistrationExpired} of the poll (a second transaction; a
 * retried poll changes nothing twice), then marks the challenges of cancelled address changes
 * ({@code EmailChangeCancelled}) superseded. An {@code EmailChangeRequested} is a challenge like the others, which
 * verifies an already verified user anew, for the new address. {@code SignupAttempted} (a notice for the mailer) is
 * acknowledged and skipped.
 * Idempotent by {@code eventId}; events of types this version does not know are skipped, unreadable
 * records are dead-lettered, a failing database is waited out (see {@link ConsumerPolicy}). Each record is read in
 * a consumer span of the sign-up's trace, whose {@code traceparent} the challenge keeps.
 */
@Component
class RegistrationEventListener {

    private final Challenges challenges;
    private final ConsumerPolicy policy;
    private final TrustedProducer producer;
    private final Traces traces;

    RegistrationEventListener(Challenges challenges, ConsumerPolicy policy, TrustProperties trust, Traces traces) {
        this.challenges = challenges;
        this.traces = traces;
        this.policy = policy;
        this.producer = new TrustedProducer(trust.registrationSource(), RegistrationTopicEvent.CLOUD_EVENT_TYPES);
    }

    @KafkaListener(id = "verification-challenges",
            topics = "${verification.topics.registration-events:registration-events}", batch = "true")
    void on(List<ConsumerRecord<String, String>> records, Consumer<?, ?> consumer) {
        Map<UUID, String> traceparents = new HashMap<>();
        policy.consume(records, consumer, record -> traces.receiving(record, this::read,
                (event, traceparent) -> traceparents.put(event.eventId(), traceparent)), events -> {
            // challenges first: a user's expiry always follows their challenges on the topic (same key)
            challenges.receiveAll(events.stream().filter(RegistrationEvent.class::isInstance)
                    .map(RegistrationEvent.class::cast).toList(), traceparents);
            challenges.forget(events.stream().filter(RegistrationExpired.class::isInstance)
                    .map(RegistrationExpired.class::cast).toList());
            // a cancellation always follows its change's challenge on the topic (same key)
            challenges.cancel(events.stream().filter(EmailChangeCancelled.class::isInstance)
                    .map(EmailChangeCancelled.class::cast).toList());
        });
    }


    /** Only registration-service's events count: anything else is dead-lettered with the reason. */
    private RegistrationTopicEvent read(ConsumerRecord<String, String> record) {
        RegistrationTopicEvent event = EventRecords.read(record, RegistrationTopicEvent.class, producer);
        if (event == null || event instanceof SignupAttempted) {
            // SignupAttempted: the mailer's business (a notice to the owner); nothing changes for verification
            return null;
        }
        try {
            if (event instanceof RegistrationEvent challenge) {
                Challenges.check(challenge);
            }
            else if (event instanceof RegistrationExpired expired && (expired.eventId() == null || expired.userId() <= 0)) {
                throw new IllegalArgumentException("missing or invalid field 'eventId' or 'userId'");
            }
            else if (event instanceof EmailChangeCancelled cancelled && (cancelled.eventId() == null
                    || cancelled.userId() <= 0 || cancelled.token() == null)) {
                throw new IllegalArgumentException("missing or invalid field 'eventId', 'userId' or 'token'");
            }
        }
        catch (IllegalArgumentException e) {
            throw new UnreadableEventException(event.getClass().getSimpleName() + " with " + e.getMessage());
        }
        return event;
    }
}
