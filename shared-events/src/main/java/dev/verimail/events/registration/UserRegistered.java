package dev.verimail.events.registration;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A person signed up: send them the verification link and remember the challenge.
 * <p>
 * v2 (what registration-service writes): the one-time secret travels only as {@code authcodeHash} (SHA-256, for
 * verification-service) and {@code sealedAuthcode} (AES-GCM for the mailer, see
 * {@link dev.verimail.events.secret.SecretBox}); {@code authcode} is absent. v1 carried the {@code authcode} in
 * clear; consumers still read it for one release (see docs/security.md, "Secrets on the bus").
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UserRegistered(
        UUID eventId,
        Instant occurredAt,
        long userId,
        String name,
        String email,
        String token,
        String authcode,
        Instant expiresAt,
        String authcodeHash,
        String sealedAuthcode,
        String sealedCode,
        String codeHash,
        String locale) implements RegistrationEvent {

    public static final String TYPE = "UserRegistered";
    /** What this version writes. */
    public static final String CLOUD_EVENT_TYPE = "verimail.registration.UserRegistered.v2";
    /** The earlier version, with the authcode in clear: still read for one release. */
    public static final String CLOUD_EVENT_TYPE_V1 = "verimail.registration.UserRegistered.v1";

    /** A v1 event (authcode in clear), as earlier versions wrote it. */
    public UserRegistered(UUID eventId, Instant occurredAt, long userId, String name, String email, String token,
            String authcode, Instant expiresAt) {
        this(eventId, occurredAt, userId, name, email, token, authcode, expiresAt, null, null);
    }

    /** An event without the optional code and locale fields. */
    public UserRegistered(UUID eventId, Instant occurredAt, long userId, String name, String email, String token,
            String authcode, Instant expiresAt, String authcodeHash, String sealedAuthcode) {
        this(eventId, occurredAt, userId, name, email, token, authcode, expiresAt, authcodeHash, sealedAuthcode, null,
                null, null);
    }

    /** This event with the 6-digit code: sealed for the mailer, keyed hash for verification-service. */
    public UserRegistered withCode(String sealedCode, String codeHash) {
        return new UserRegistered(eventId, occurredAt, userId, name, email, token, authcode, expiresAt, authcodeHash,
                sealedAuthcode, sealedCode, codeHash, locale);
    }

    /** This event in the language the person signed up in (a BCP 47 tag such as {@code en} or {@code zh-CN}). */
    public UserRegistered withLocale(String locale) {
        return new UserRegistered(eventId, occurredAt, userId, name, email, token, authcode, expiresAt, authcodeHash,
                sealedAuthcode, sealedCode, codeHash, locale);
    }

    /** A v2 event: the authcode only hashed and sealed. */
    public static UserRegistered v2(UUID eventId, Instant occurredAt, long userId, String name, String email,
            String token, Instant expiresAt, String authcodeHash, String sealedAuthcode) {
        return new UserRegistered(eventId, occurredAt, userId, name, email, token, null, expiresAt, authcodeHash,
                sealedAuthcode);
    }

    @Override
    public String cloudEventType() {
        return authcode == null ? CLOUD_EVENT_TYPE : CLOUD_EVENT_TYPE_V1;
    }

    /** Keeps the secret, in any form, out of logs and exception messages. */
    @Override
    public String toString() {
        return "UserRegistered[eventId=" + eventId + ", occurredAt=" + occurredAt + ", userId=" + userId
                + ", token=" + token + ", expiresAt=" + expiresAt + ", " + (authcode == null ? "v2" : "v1") + "]";
    }
}
