package dev.verimail.events.registration;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An operator started moving a user to a new address: a challenge like {@link UserRegistered}'s, sent to the new
 * {@code email}, and a notice to {@code previousEmail}. The user keeps the previous address (and stays VERIFIED on it)
 * until the new one is confirmed; then verification-service publishes {@code EmailVerified} for the new address and
 * registration-service {@code EmailChanged}. Only ever v1 with the secret sealed: it never carries an authcode in
 * clear ({@link #authcode()} is always null).
 *
 * @param previousEmail the address the user has now, which gets a notice of the change
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EmailChangeRequested(
        UUID eventId,
        Instant occurredAt,
        long userId,
        String name,
        String email,
        String previousEmail,
        String token,
        Instant expiresAt,
        String authcodeHash,
        String sealedAuthcode,
        String sealedCode,
        String codeHash,
        String locale) implements RegistrationEvent {

    public static final String TYPE = "EmailChangeRequested";
    public static final String CLOUD_EVENT_TYPE = "verimail.registration.EmailChangeRequested.v1";

    @Override
    public String authcode() {
        return null;
    }

    @Override
    public String cloudEventType() {
        return CLOUD_EVENT_TYPE;
    }

    /** Keeps the secret, in any form, and the addresses out of logs and exception messages. */
    @Override
    public String toString() {
        return "EmailChangeRequested[eventId=" + eventId + ", occurredAt=" + occurredAt + ", userId=" + userId
                + ", token=" + token + ", expiresAt=" + expiresAt + "]";
    }
}
