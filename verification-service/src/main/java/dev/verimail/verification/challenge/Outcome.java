package dev.verimail.verification.challenge;

import java.time.Instant;

/**
 * What a link is, or what clicking it did. Only a link whose token and authcode both match carries the user's
 * details; {@link Status#NOT_VALID} carries nothing, so a guessed token reveals nothing.
 *
 * @param verifiedAt when the user verified (for {@code VERIFIED} and {@code ALREADY_VERIFIED})
 * @param locale     the language of the sign-up the link belongs to ({@code en}, {@code zh-CN}); null when the link
 *                   carries no details or its challenge has no language
 */
public record Outcome(Status status, long userId, String name, String email, Instant verifiedAt, String locale) {

    public enum Status {
        /** Valid and not used yet: the confirm page shows its button. */
        PENDING,
        /** This call verified the user. */
        VERIFIED,
        /** The user had verified before, through this link or another of theirs. */
        ALREADY_VERIFIED,
        /** Genuine, but too old: the page offers a new link. */
        EXPIRED,
        /** Genuine by its signature, but its challenge is not stored yet: try again in a moment. */
        NOT_READY,
        /** Unknown token, wrong authcode, malformed, or replaced by a newer link. */
        NOT_VALID
    }

    static Outcome notValid() {
        return new Outcome(Status.NOT_VALID, 0, null, null, null, null);
    }

    static Outcome notReady() {
        return new Outcome(Status.NOT_READY, 0, null, null, null, null);
    }

    /** A genuine link past its expiry whose challenge is no longer (or not yet) stored: no details to show. */
    static Outcome expiredUnknown() {
        return new Outcome(Status.EXPIRED, 0, null, null, null, null);
    }

    static Outcome of(Status status, Challenge challenge) {
        return new Outcome(status, challenge.userId(), challenge.name(), challenge.email(), null, challenge.locale());
    }

    static Outcome verified(Status status, Challenge challenge, String email, Instant verifiedAt) {
        return new Outcome(status, challenge.userId(), challenge.name(), email, verifiedAt, challenge.locale());
    }
}
