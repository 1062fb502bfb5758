package dev.verimail.events.registration;

import java.time.Instant;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;


/**
 * An event on {@code registration-events}: a new verification challenge for a user, either the first one
 * ({@link UserRegistered}), one that replaces all earlier ones ({@link VerificationReissued}), or one for a new address
 * an operator is moving the user to ({@link EmailChangeRequested}).
 * The JSON {@code type} field names the record.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = UserRegistered.class, name = UserRegistered.TYPE),
        @JsonSubTypes.Type(value = VerificationReissued.class, name = VerificationReissued.TYPE),
        @JsonSubTypes.Type(value = EmailChangeRequested.class, name = EmailChangeRequested.TYPE)
})
public sealed interface RegistrationEvent extends RegistrationTopicEvent
        permits UserRegistered, VerificationReissued, EmailChangeRequested {

    String name();

    String email();

    /** Public half of the link: identifies the challenge. URL-safe, at least 128 random bits. */
    String token();

    /**
     * Secret half of the link, in clear: only in v1 events (null in v2). Never log it; consumers that keep it store
     * only a hash.
     */
    String authcode();

    /** v2: SHA-256 of the authcode, base64url ({@link dev.verimail.events.secret.AuthcodeDigest}). */
    String authcodeHash();

    /**
     * v2: the authcode sealed for the mailer ({@link dev.verimail.events.secret.SecretBox}, context
     * {@link dev.verimail.events.secret.SecretBox#authcodeContext(long, String)}).
     */
    String sealedAuthcode();

    /** Whether this is a v2 event (no authcode in clear). */
    @JsonIgnore
    default boolean sealed() {
        return authcode() == null;
    }

    Instant expiresAt();

    /**
     * The challenge's 6-digit code sealed for the mailer ({@link dev.verimail.events.secret.SecretBox}, context
     * {@link dev.verimail.events.secret.SecretBox#codeContext(long, String)}), or null when the producer issues no
     * code (events written before codes existed).
     */
    String sealedCode();

    /**
     * Keyed hash of the 6-digit code for verification-service, or null with {@link #sealedCode()}. Keyed with a key
     * derived from {@code VERIMAIL_LINK_KEY} (held by registration and verification only): a million codes are too
     * few to be safe behind a plain hash.
     */
    String codeHash();

    /**
     * The language the person signed up in, a BCP 47 tag ({@code en}, {@code zh-CN}), or null (then: English). The
     * email and the confirm page speak it.
     */
    String locale();

    /** Every {@code ce_type} of a challenge this version reads: v2, and v1 for one release. */
    Set<String> CLOUD_EVENT_TYPES = Set.of(UserRegistered.CLOUD_EVENT_TYPE, UserRegistered.CLOUD_EVENT_TYPE_V1,
            VerificationReissued.CLOUD_EVENT_TYPE, VerificationReissued.CLOUD_EVENT_TYPE_V1,
            EmailChangeRequested.CLOUD_EVENT_TYPE);
}
