package dev.verimail.verification.messaging;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.stereotype.Component;

import dev.verimail.events.registration.RegistrationEvent;
import dev.verimail.outbox.EventJson;
import dev.verimail.verification.challenge.Challenges;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.exc.InvalidTypeIdException;

/**
 * Stores the challenge of every {@code UserRegistered} and {@code VerificationReissued}. Idempotent by
 * {@code eventId}; events of types this version does not know are skipped, records it cannot read are dead-lettered.
 */
@Component
class RegistrationEventListener {

    private static final Logger log = LoggerFactory.getLogger(RegistrationEventListener.class);

    private final Challenges challenges;

    RegistrationEventListener(Challenges challenges) {
        this.challenges = challenges;
    }

    /**
     * A whole poll at a time, stored in one transaction. An unreadable record is handed to the error handler with
     * its index: the records before it are stored first, it goes to the dead-letter topic, the rest come again.
     */
    @KafkaListener(id = "verification-challenges",
            topics = "${verification.topics.registration-events:registration-events}", batch = "true")
    void on(List<ConsumerRecord<String, String>> records) {
        List<RegistrationEvent> events = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            ConsumerRecord<String, String> record = records.get(i);
            RegistrationEvent event;
            try {
                event = read(record);
            }
            catch (UnreadableEventException e) {
                challenges.receiveAll(events);
                throw new BatchListenerFailedException(e.getMessage(), e, i);
            }
            if (event != null) {
                events.add(event);
            }
        }
        challenges.receiveAll(events);
    }

    private RegistrationEvent read(ConsumerRecord<String, String> record) {
        RegistrationEvent event;
        try {
            event = EventJson.read(record.value(), RegistrationEvent.class);
        }
        catch (InvalidTypeIdException e) {
            log.debug("Skipping event of a type this version does not know ({}-{}@{})", record.topic(),
                    record.partition(), record.offset());
            return null;
        }
        catch (JacksonException e) {
            // Jackson's message may quote the input; keep only where it failed
            throw new UnreadableEventException("Not a registration event: " + e.getClass().getSimpleName()
                    + " at " + e.getPathReference());
        }
        catch (IllegalArgumentException e) {
            throw new UnreadableEventException("Not a registration event: " + e.getClass().getSimpleName());
        }
        if (event == null) {
            throw new UnreadableEventException("Empty record");
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
