package dev.verimail.events.verification;

import java.util.Set;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import dev.verimail.events.Event;

/**
 * An event on {@code verification-events}, the public stream: verification-service's {@code EmailVerified}, the
 * mailer's {@code EmailUndeliverable} and registration-service's {@code EmailChanged}. The JSON {@code type} field names the record. A subscriber that reads only
 * some types skips the others by their {@code ce_type}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = EmailVerified.class, name = EmailVerified.TYPE),
        @JsonSubTypes.Type(value = EmailUndeliverable.class, name = EmailUndeliverable.TYPE),
        @JsonSubTypes.Type(value = EmailChanged.class, name = EmailChanged.TYPE) })
public sealed interface VerificationEvent extends Event permits EmailVerified, EmailUndeliverable, EmailChanged {

    /** Every {@code ce_type} of {@code verification-events} this version reads. */
    Set<String> CLOUD_EVENT_TYPES = Set.of(EmailVerified.CLOUD_EVENT_TYPE, EmailUndeliverable.CLOUD_EVENT_TYPE,
            EmailChanged.CLOUD_EVENT_TYPE);
}
