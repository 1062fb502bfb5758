package dev.verimail.events;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * What every verimail event has: a unique id consumers deduplicate by, the time it happened, and the user it is
 * about (the Kafka record key).
 */
public interface Event {

    UUID eventId();

    Instant occurredAt();

    long userId();

    /** The CloudEvents {@code ce_type}, versioned: a breaking change gets a new type, never a changed meaning. */
    @JsonIgnore
    String cloudEventType();

    /** The Kafka record key: the user id as a decimal string, so all events of a user share a partition. */
    @JsonIgnore
    default String key() {
        return Long.toString(userId());
    }
}
