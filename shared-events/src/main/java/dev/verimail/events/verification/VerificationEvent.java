package dev.verimail.events.verification;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import dev.verimail.events.Event;

/**
 * An event on {@code verification-events}. The JSON {@code type} field names the record.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes(@JsonSubTypes.Type(value = EmailVerified.class, name = EmailVerified.TYPE))
public sealed interface VerificationEvent extends Event permits EmailVerified {
}
