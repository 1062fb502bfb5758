package dev.verimail.messaging;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Turns one record into the event a listener applies. */
@FunctionalInterface
public interface RecordReader<E> {

    /**
     * @return the event, or {@code null} to skip the record (an event type this version does not handle)
     * @throws UnreadableEventException when the record can never be used; it is dead-lettered
     */
    E read(ConsumerRecord<String, String> record);
}
