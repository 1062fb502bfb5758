package dev.verimail.verification.messaging;

import java.util.List;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import dev.verimail.events.registration.RegistrationEvent;
import dev.verimail.messaging.ConsumerPolicy;
import dev.verimail.messaging.EventRecords;
import dev.verimail.messaging.UnreadableEventException;
import dev.verimail.verification.challenge.Challenges;

/**
 * Stores the challenge of every {@code UserRegistered} and {@code VerificationReissued}, a whole poll in one
 * transaction. Idempotent by {@code eventId}; events of types this version does not know are skipped, unreadable
 * records are dead-lettered, a failing database is waited out (see {@link ConsumerPolicy}).
 */
@Component
class RegistrationEventListener {

    private final Challenges challenges;
    private final ConsumerPolicy policy;

    RegistrationEventListener(Challenges challenges, ConsumerPolicy policy) {
        this.challenges = challenges;
        this.policy = policy;
    }

    @KafkaListener(id = "verification-challenges",
            topics = "${verification.topics.registration-events:registration-events}", batch = "true")
    void on(List<ConsumerRecord<String, String>> records, Consumer<?, ?> consumer) {
        policy.consume(records, consumer, RegistrationEventListener::read, challenges::receiveAll);
    }

    private static RegistrationEvent read(ConsumerRecord<String, String> record) {
        RegistrationEvent event = EventRecords.read(record, RegistrationEvent.class);
        if (event == null) {
            return null;
        }
        try {
            Challenges.check(event);
        }
        catch (IllegalArgumentException e) {
            throw new UnreadableEventException(event.getClass().getSimpleName() + " with " + e.getMessage());
        }
        return event;
    }
}
