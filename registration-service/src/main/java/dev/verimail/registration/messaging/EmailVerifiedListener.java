package dev.verimail.registration.messaging;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
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

    @KafkaListener(id = "registration-email-verified", topics = "${registration.topics.verification-events:verification-events}")
    void on(ConsumerRecord<String, String> record) {
        VerificationEvent event;
        try {
            event = EventJson.read(record.value(), VerificationEvent.class);
        }
        catch (InvalidTypeIdException e) {
            log.debug("Skipping event of a type this version does not know ({}-{}@{})", record.topic(),
                    record.partition(), record.offset());
            return;
        }
        catch (JacksonException | IllegalArgumentException e) {
            throw new UnreadableEventException("Not a verification event: " + e.getMessage(), e);
        }
        if (event instanceof EmailVerified verified) {
            if (verified.eventId() == null || verified.verifiedAt() == null) {
                throw new UnreadableEventException("EmailVerified without eventId or verifiedAt", null);
            }
            registrations.markVerified(verified);
        }
    }
}
