package dev.verimail.verification.challenge;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.regex.Pattern;

import dev.verimail.events.registration.RegistrationEvent;
import dev.verimail.events.secret.AuthcodeDigest;
import dev.verimail.web.i18n.Languages;

/**
 * A challenge as announced by an event, checked field by field; {@code traceparent}: the trace of the sign-up
 * (the consumer span that received it), to which the click's trace links; {@code locale}: the sign-up's language
 * ({@code en} or {@code zh-CN}; null when the event has none or names one we do not speak); {@code codeHash}: the
 * keyed hash of the code beside the link, or {@code null}. Times are cut to microseconds, what the database
 * keeps, so comparisons in Java and SQL agree.
 */
record ChallengeData(String eventId, long userId, String name, String email, String token, byte[] authcodeHash,
        Instant issuedAt, Instant expiresAt, String traceparent, String locale, String codeHash, boolean emailChange) {

    /** The alphabet and length registration-service's links use (see the UserRegistered schema). */
    private static final Pattern LINK_PART = Pattern.compile("[A-Za-z0-9_-]{1,256}");
    /** base64url SHA-256, no padding. */
    private static final Pattern HASH = Pattern.compile("[A-Za-z0-9_-]{43}");

    /**
     * @throws IllegalArgumentException naming the first field that is missing or out of range; never with a value,
     *                                  which could be the authcode
     */
    static ChallengeData of(RegistrationEvent event) {
        require(event.eventId() != null, "eventId");
        require(event.occurredAt() != null, "occurredAt");
        require(event.expiresAt() != null, "expiresAt");
        require(event.userId() > 0, "userId");
        require(event.email() != null && !event.email().isBlank() && event.email().length() <= 254, "email");
        String name = event.name() == null ? "" : event.name();
        require(name.codePointCount(0, name.length()) <= 100, "name");
        require(isWellFormed(event.token()), "token");
        byte[] hash;
        if (event.sealed()) {
            // v2: the hash is all this service gets of the authcode
            require(event.authcodeHash() != null && HASH.matcher(event.authcodeHash()).matches(), "authcodeHash");
            hash = AuthcodeDigest.decode(event.authcodeHash());
        }
        else {
            // v1, read for one release: the authcode in clear, hashed at once and never kept
            require(isWellFormed(event.authcode()), "authcode");
            hash = AuthcodeDigest.bytes(event.authcode());
        }
        return new ChallengeData(event.eventId().toString(), event.userId(), name, event.email(), event.token(),
                hash, event.occurredAt().truncatedTo(ChronoUnit.MICROS),
                event.expiresAt().truncatedTo(ChronoUnit.MICROS), null, locale(event.locale()), codeHash(event),
                event instanceof dev.verimail.events.registration.EmailChangeRequested);
    }

    /** The same challenge, remembering the trace it came in ({@code traceparent} of its consumer span). */
    ChallengeData tracedBy(String traceparent) {
        return new ChallengeData(eventId, userId, name, email, token, authcodeHash, issuedAt, expiresAt, traceparent,
                locale, codeHash, emailChange);
    }

    /** The keyed hash of the 6-digit code, if the event carries one (optional: older producers send none). */
    private static String codeHash(RegistrationEvent event) {
        String hash = event.codeHash();
        require(hash == null || HASH.matcher(hash).matches(), "codeHash");
        return hash;
    }

    /** The event's language as one of ours ({@code en}, {@code zh-CN}); null when absent or not one we speak. */
    private static String locale(String tag) {
        java.util.Locale locale = Languages.of(tag);
        return locale == null ? null : Languages.tag(locale);
    }

    /** Whether a token or authcode could be one we issued; anything else is refused before it reaches the database. */
    static boolean isWellFormed(String linkPart) {
        return linkPart != null && linkPart.length() <= 256 && LINK_PART.matcher(linkPart).matches();
    }

    private static void require(boolean ok, String field) {
        if (!ok) {
            throw new IllegalArgumentException("missing or invalid field '" + field + "'");
        }
    }
}
