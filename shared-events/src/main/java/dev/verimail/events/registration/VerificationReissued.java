package dev.verimail.events.registration;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A pending user asked for a new link. This challenge replaces every earlier one of the user: older links stop
 * working and unsent emails for them are moot. Versions as for {@link UserRegistered}: v2 carries
 * {@code authcodeHash} and {@code sealedAuthcode}, v1 the {@code authcode} in clear.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record VerificationReissued(
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

    public static final String TYPE = "VerificationReissued";
    /** What this version writes. */
    public static final String CLOUD_EVENT_TYPE = "verimail.registration.VerificationReissued.v2";
    /** The earlier version, with the authcode in clear: still read for one release. */
    public static final String CLOUD_EVENT_TYPE_V1 = "verimail.registration.VerificationReissued.v1";

    /** A v1 event (authcode in clear), as earlier versions wrote it. */
    public VerificationReissued(UUID eventId, Instant occurredAt, long userId, String name, String email, String token,
            String authcode, Instant expiresAt) {
        this(eventId, occurredAt, userId, name, email, token, authcode, expiresAt, null, null);
    }

    /** An event without the optional code and locale fields. */
    public VerificationReissued(UUID eventId, Instant occurredAt, long userId, String name, String email, String token,
            String authcode, Instant expiresAt, String authcodeHash, String sealedAuthcode) {
        this(eventId, occurredAt, userId, name, email, token, authcode, expiresAt, authcodeHash, sealedAuthcode, null,
                null, null);
    }

    /** This event with the 6-digit code: sealed for the mailer, keyed hash for verification-service. */
    public VerificationReissued withCode(String sealedCode, String codeHash) {
        return new VerificationReissued(eventId, occurredAt, userId, name, email, token, authcode, expiresAt, authcodeHash,
                sealedAuthcode, sealedCode, codeHash, locale);
    }

    /** This event in the language the person signed up in (a BCP 47 tag such as {@code en} or {@code zh-CN}). */
    public VerificationReissued withLocale(String locale) {
        return new VerificationReissued(eventId, occurredAt, userId, name, email, token, authcode, expiresAt, authcodeHash,
                sealedAuthcode, sealedCode, codeHash, locale);
    }

    /** A v2 event: the authcode only hashed and sealed. */
    public static VerificationReissued v2(UUID eventId, Instant occurredAt, long userId, String name, String email,
            String token, Instant expiresAt, String authcodeHash, String sealedAuthcode) {
        return new VerificationReissued(eventId, occurredAt, userId, name, email, token, null, expiresAt, authcodeHash,
                sealedAuthcode);
    }

    @Override
    public String cloudEventType() {
        return authcode == null ? CLOUD_EVENT_TYPE : CLOUD_EVENT_TYPE_V1;
    }

    /** Keeps the secret, in any form, out of logs and exception messages. */
    @Override
    public String toString() {
        return "VerificationReissued[eventId=" + eventId + ", occurredAt=" + occurredAt + ", userId=" + userId
                + ", token=" + token + ", expiresAt=" + expiresAt + ", " + (authcode == null ? "v2" : "v1") + "]";
    }
}
