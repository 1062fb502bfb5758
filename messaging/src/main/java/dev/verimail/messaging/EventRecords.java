package dev.verimail.messaging;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.verimail.events.Event;
import dev.verimail.outbox.EventJson;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.exc.InvalidTypeIdException;

/** Reads a record's JSON value as one of the event types of {@code shared-events}. */
public final class EventRecords {

    private static final Logger log = LoggerFactory.getLogger(EventRecords.class);

    private EventRecords() {
    }

    /**
     * Reads a record only if it comes from the topic's producer with a type this version reads
     * ({@link TrustedProducer#check}), and only if its JSON is the event its {@code ce_type} announces (a v2 type
     * with an authcode in clear, say, is not).
     *
     * @param type the family of every event of the topic (e.g. {@code RegistrationTopicEvent}): a trusted
     *             {@code ce_type} whose value is not of the family is unreadable, not skipped
     * @throws UnreadableEventException when the record is not trusted or not readable
     */
    public static <T extends Event> T read(ConsumerRecord<String, String> record, Class<T> type,
            TrustedProducer producer) {
        String ceType = producer.check(record);
        T event = read(record, type);
        if (event == null) {
            throw new UnreadableEventException("ce_type " + ceType + " but the value's type is not one it names");
        }
        if (!ceType.equals(event.cloudEventType())) {
            throw new UnreadableEventException("ce_type " + ceType + " but the value is a " + event.cloudEventType());
        }
        return event;
    }

    /**
     * @return the event, or {@code null} for an event type this version does not know (a newer producer's: skipped,
     *         not an error)
     * @throws UnreadableEventException for an empty value, invalid JSON or fields of the wrong shape; the message
     *                                  names the exception class and where parsing failed, never the input
     */
    public static <T> T read(ConsumerRecord<String, String> record, Class<T> type) {
        if (record.value() == null || record.value().isBlank()) {
            throw new UnreadableEventException("record without a value");
        }
        try {
            T event = EventJson.read(record.value(), type);
            if (event == null) {
                throw new UnreadableEventException("record whose value is JSON null");
            }
            return event;
        }
        catch (InvalidTypeIdException e) {
            log.debug("Skipping event of a type this version does not know ({}-{}@{})", record.topic(),
                    record.partition(), record.offset());
            return null;
        }
        catch (JacksonException e) {
            throw new UnreadableEventException("not a " + type.getSimpleName() + " (" + e.getClass().getSimpleName()
                    + " at " + e.getPathReference() + ")");
        }
        catch (IllegalArgumentException e) {
            throw new UnreadableEventException("not a " + type.getSimpleName() + " (" + e.getClass().getSimpleName() + ")");
        }
    }
}
