package dev.verimail.outbox;

import org.apache.kafka.clients.producer.ProducerRecord;

/** One claimed outbox row. Its {@code toString} leaves the payload out: payloads hold one-time secrets. */
record OutboxRow(long id, String eventId, String topic, String key, String type, java.time.Instant occurredAt,
        String payload, int attempts, String traceparent) {

    ProducerRecord<String, String> toRecord(String source) {
        return CloudEventRecords.of(topic, key, eventId, type, source, occurredAt, payload);
    }

    @Override
    public String toString() {
        return "OutboxRow[id=" + id + ", type=" + type + ", topic=" + topic + ", attempts=" + attempts + "]";
    }
}
