package dev.verimail.events.verification;

import java.util.Set;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import dev.verimail.events.Event;

/**
 * An event on {@code verification-events}. The JSON {@code type} field names the record.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes(@JsonSubTypes.Type(value = EmailVerified.class, name = EmailVerified.TYPE))
public sealed interface VerificationEvent extends Event permits EmailVerified {

    /** Every {@code ce_type} of {@code verification-events} this version reads. */
    Set<String> CLOUD_EVENT_TYPES = Set.of(EmailVerified.CLOUD_EVENT_TYPE);
}
