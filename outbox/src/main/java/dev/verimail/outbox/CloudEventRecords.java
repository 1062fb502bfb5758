package dev.verimail.outbox;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;

import dev.verimail.events.CloudEventHeaders;

/**
 * The Kafka record of an event, as every verimail publisher sends it: the event's JSON as the value and the
 * CloudEvents attributes (binary content mode) as {@code ce_*} headers. The relay uses it; so do tools that must put
 * records on a topic exactly as the relay would (the mailer benchmark).
 */
public final class CloudEventRecords {

    private CloudEventRecords() {
    }

    public static ProducerRecord<String, String> of(String topic, String key, String eventId, String type,
            String source, Instant time, String json) {
        ProducerRecord<String, String> record = new ProducerRecord<>(topic, key, json);
        header(record, CloudEventHeaders.SPEC_VERSION, CloudEventHeaders.SPEC_VERSION_1_0);
        header(record, CloudEventHeaders.ID, eventId);
        header(record, CloudEventHeaders.TYPE, type);
        header(record, CloudEventHeaders.SOURCE, source);
        header(record, CloudEventHeaders.TIME, time.toString());
        header(record, CloudEventHeaders.CONTENT_TYPE, CloudEventHeaders.APPLICATION_JSON);
        return record;
    }

    private static void header(ProducerRecord<String, String> record, String name, String value) {
        record.headers().add(new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8)));
    }
}
