package dev.verimail.registration.messaging;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.stereotype.Component;

import dev.verimail.events.verification.EmailVerified;
import dev.verimail.events.verification.VerificationEvent;
import dev.verimail.outbox.EventJson;
import dev.verimail.registration.user.Registrations;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.exc.InvalidTypeIdException;

/**
 * Marks users VERIFIED from {@code verification-events}. Idempotent by construction: only a PENDING user changes.
 */
@Component
class EmailVerifiedListener {

    private static final Logger log = LoggerFactory.getLogger(EmailVerifiedListener.class);

    private final Registrations registrations;

    EmailVerifiedListener(Registrations registrations) {
        this.registrations = registrations;
    }

    /**
     * A whole poll at a time, applied in one transaction. An unreadable record is handed to the error handler with
     * its index: the records before it are applied first, it goes to the dead-letter topic, the rest come again.
     */
    @KafkaListener(id = "registration-email-verified",
            topics = "${registration.topics.verification-events:verification-events}", batch = "true")
    void on(List<ConsumerRecord<String, String>> records) {
        List<EmailVerified> events = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            try {
                EmailVerified event = read(records.get(i));
                if (event != null) {
                    events.add(event);
                }
            }
            catch (UnreadableEventException e) {
                registrations.markAllVerified(events);
                throw new BatchListenerFailedException(e.getMessage(), e, i);
            }
        }
        registrations.markAllVerified(events);
    }

    private EmailVerified read(ConsumerRecord<String, String> record) {
        VerificationEvent event;
        try {
            event = EventJson.read(record.value(), VerificationEvent.class);
        }
        catch (InvalidTypeIdException e) {
            log.debug("Skipping event of a type this version does not know ({}-{}@{})", record.topic(),
                    record.partition(), record.offset());
            return null;
        }
        catch (JacksonException | IllegalArgumentException e) {
            throw new UnreadableEventException("Not a verification event: " + e.getClass().getSimpleName(), e);
        }
        if (event instanceof EmailVerified verified) {
            if (verified.eventId() == null || verified.verifiedAt() == null) {
                throw new UnreadableEventException("EmailVerified without eventId or verifiedAt", null);
            }
            return verified;
        }
        return null;
    }
}
