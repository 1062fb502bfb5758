package dev.verimail.messaging;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import dev.verimail.events.CloudEventHeaders;

/**
 * What a consumer believes of a record before it reads it: that its CloudEvents {@code ce_source} is the producer of
 * its {@code ce_type}, and that the type is one this version reads. A topic may have more than one producer
 * ({@code verification-events}: verification-service's {@code EmailVerified}, the mailer's
 * {@code EmailUndeliverable}), but each type has exactly one. Anything else is dead-lettered with the reason
 * ({@link UnreadableEventException}), never applied: a record written by anyone else with the topic's credentials,
 * or by a misconfigured service, does not mark a user VERIFIED or send an email. The broker's ACLs decide who may
 * write a topic at all; this check decides what a consumer acts on.
 *
 * @param sources the {@code ce_type}s this consumer reads on the topic, each with the {@code ce_source} of its one
 *                producer
 */
public record TrustedProducer(Map<String, String> sources) {

    private static final int MAX_SHOWN = 80;

    public TrustedProducer {
        sources = Map.copyOf(sources);
    }

    /** A topic with one producer: every type in {@code types} comes from {@code source}. */
    public TrustedProducer(String source, Set<String> types) {
        this(types.stream().collect(Collectors.toMap(type -> type, type -> source)));
    }

    /** This one and {@code other}: the types of both, each from its own producer. */
    public TrustedProducer and(TrustedProducer other) {
        Map<String, String> both = new HashMap<>(sources);
        both.putAll(other.sources);
        return new TrustedProducer(both);
    }

    /** The types this consumer reads. */
    public Set<String> types() {
        return sources.keySet();
    }

    /**
     * @return the record's {@code ce_type}
     * @throws UnreadableEventException naming what is wrong; header values are shown cut and without control
     *                                  characters (they are not secret, but they are a stranger's text)
     */
    public String check(ConsumerRecord<?, ?> record) {
        String producers = new TreeSet<>(sources.values()).stream().collect(Collectors.joining(", "));
        boolean one = new HashSet<>(sources.values()).size() == 1;
        String actualSource = header(record, CloudEventHeaders.SOURCE);
        if (actualSource == null) {
            throw new UnreadableEventException("ce_source (missing): only " + producers + " write" + (one ? "s " : " ")
                    + record.topic());
        }
        if (!sources.containsValue(actualSource)) {
            throw new UnreadableEventException("ce_source '" + shown(actualSource) + "' is not " + producers
                    + (one ? ", the only producer of " : ", the producers of ") + record.topic());
        }
        String type = header(record, CloudEventHeaders.TYPE);
        if (type == null) {
            throw new UnreadableEventException("ce_type (missing)");
        }
        String producer = sources.get(type);
        if (producer == null) {
            throw new UnreadableEventException("ce_type '" + shown(type) + "' is not one this service reads on "
                    + record.topic());
        }
        if (!producer.equals(actualSource)) {
            throw new UnreadableEventException("ce_type '" + type + "' comes only from " + producer + ", not from "
                    + actualSource);
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
