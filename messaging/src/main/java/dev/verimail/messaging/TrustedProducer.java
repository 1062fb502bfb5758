package dev.verimail.messaging;

import java.nio.charset.StandardCharsets;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import dev.verimail.events.CloudEventHeaders;

/**
 * What a consumer believes of a record before it reads it: that its CloudEvents {@code ce_source} is the one
 * producer of the topic and its {@code ce_type} one this version reads. Anything else is dead-lettered with the
 * reason ({@link UnreadableEventException}), never applied: a record written by anyone else with the topic's
 * credentials, or by a misconfigured service, does not mark a user VERIFIED or send an email. The broker's ACLs
 * decide who may write a topic at all; this check decides what a consumer acts on.
 *
 * @param source the {@code ce_source} of the topic's producer
 * @param types  the {@code ce_type}s this consumer reads on the topic
 */
public record TrustedProducer(String source, Set<String> types) {

    private static final int MAX_SHOWN = 80;

    public TrustedProducer {
        types = Set.copyOf(types);
    }

    /**
     * @return the record's {@code ce_type}
     * @throws UnreadableEventException naming what is wrong; header values are shown cut and without control
     *                                  characters (they are not secret, but they are a stranger's text)
     */
    public String check(ConsumerRecord<?, ?> record) {
        String actualSource = header(record, CloudEventHeaders.SOURCE);
        if (actualSource == null) {
            throw new UnreadableEventException("ce_source (missing): only " + source + " writes " + record.topic());
        }
        if (!source.equals(actualSource)) {
            throw new UnreadableEventException("ce_source '" + shown(actualSource) + "' is not " + source
                    + ", the only producer of " + record.topic());
        }
        String type = header(record, CloudEventHeaders.TYPE);
        if (type == null) {
            throw new UnreadableEventException("ce_type (missing)");
        }
        if (!types.contains(type)) {
            throw new UnreadableEventException("ce_type '" + shown(type) + "' is not one this service reads on "
                    + record.topic());
        }
        return type;
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static String shown(String value) {
        String clean = value.replaceAll("\\p{Cntrl}", "?");
        return clean.length() <= MAX_SHOWN ? clean : clean.substring(0, MAX_SHOWN) + "...";
    }
}
