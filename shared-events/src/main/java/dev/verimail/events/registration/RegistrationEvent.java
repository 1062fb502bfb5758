package dev.verimail.events.registration;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;


/**
 * An event on {@code registration-events}: a new verification challenge for a user, either the first one
 * ({@link UserRegistered}) or one that replaces all earlier ones ({@link VerificationReissued}).
 * The JSON {@code type} field names the record.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = UserRegistered.class, name = UserRegistered.TYPE),
        @JsonSubTypes.Type(value = VerificationReissued.class, name = VerificationReissued.TYPE)
})
public sealed interface RegistrationEvent extends RegistrationTopicEvent permits UserRegistered, VerificationReissued {

    String name();

    String email();

    /** Public half of the link: identifies the challenge. URL-safe, at least 128 random bits. */
    String token();

    /** Secret half of the link. Never log it; consumers that keep it store only a hash. */
    String authcode();

    Instant expiresAt();
}
