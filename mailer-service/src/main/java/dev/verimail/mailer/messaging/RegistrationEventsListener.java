package dev.verimail.mailer.messaging;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.stereotype.Component;

import dev.verimail.events.registration.RegistrationEvent;
import dev.verimail.mailer.delivery.Mailer;
import dev.verimail.outbox.EventJson;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.exc.InvalidTypeIdException;

/**
 * Reads {@code registration-events} a poll at a time: unreadable records go to the dead-letter topic right here (the
 * rest of the batch goes on), events of unknown types are skipped, and the others are recorded in one transaction
 * and handed to the senders. The offsets are committed only after that, so a crash means redelivery, which the
 * {@code eventId} dedup absorbs.
 */
@Component
class RegistrationEventsListener {

    private static final Logger log = LoggerFactory.getLogger(RegistrationEventsListener.class);
    private static final int MAX_EMAIL = 254;
    private static final int MAX_NAME = 400;
    private static final int MAX_SECRET = 255;

    private final Mailer mailer;
    private final DeadLetterPublishingRecoverer deadLetters;

    RegistrationEventsListener(Mailer mailer, DeadLetterPublishingRecoverer deadLetters) {
        this.mailer = mailer;
        this.deadLetters = deadLetters;
    }

    @KafkaListener(id = "mailer-registration-events", topics = "${mailer.topics.registration-events:registration-events}",
            batch = "true")
    void on(List<ConsumerRecord<String, String>> records, Consumer<?, ?> consumer) {
        List<RegistrationEvent> events = new ArrayList<>(records.size());
        for (ConsumerRecord<String, String> record : records) {
            try {
                RegistrationEvent event = read(record);
                if (event != null) {
                    events.add(event);
                }
            }
            catch (UnreadableEventException e) {
                log.error("Unreadable record {}-{}@{} moved to {}.DLT: {}", record.topic(), record.partition(),
                        record.offset(), record.topic(), e.getMessage());
                deadLetters.accept(record, consumer, e);
            }
        }
        if (!events.isEmpty()) {
            mailer.accept(events);
        }
    }

    private static RegistrationEvent read(ConsumerRecord<String, String> record) {
        if (record.value() == null) {
            throw new UnreadableEventException("Record without a value", null);
        }
        RegistrationEvent event;
        try {
            event = EventJson.read(record.value(), RegistrationEvent.class);
        }
        catch (InvalidTypeIdException e) {
            log.debug("Skipping event of a type this version does not know ({}-{}@{})", record.topic(),
                    record.partition(), record.offset());
            return null;
        }
        catch (JacksonException | IllegalArgumentException e) {
            // the class name only: Jackson's message may quote the record, and the record may hold an authcode
            throw new UnreadableEventException("Not a registration event (" + e.getClass().getSimpleName() + ")", e);
        }
        if (event == null || event.eventId() == null || event.occurredAt() == null || event.expiresAt() == null
                || blank(event.email()) || blank(event.token()) || blank(event.authcode()) || event.name() == null) {
            throw new UnreadableEventException("Registration event without eventId, occurredAt, expiresAt, name, "
                    + "email, token or authcode", null);
        }
        if (event.email().length() > MAX_EMAIL || event.name().length() > MAX_NAME
                || event.token().length() > MAX_SECRET || event.authcode().length() > MAX_SECRET) {
            throw new UnreadableEventException("Registration event with a field longer than this service stores", null);
        }
        return event;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
