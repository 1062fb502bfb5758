package dev.verimail.verification.challenge;

import java.time.Instant;

/**
 * One link sent to a user, as stored: the user it is for, the hash of its authcode, its expiry, and whether a newer
 * link replaced it. Read with plain JDBC ({@link Verifications}); the authcode itself is never stored.
 */
record Challenge(long id, long userId, String email, String name, byte[] authcodeHash, Instant expiresAt,
        boolean superseded) {

    boolean authcodeMatches(String authcode) {
        return AuthcodeHash.matches(authcode, authcodeHash);
    }

    boolean isExpiredAt(Instant now) {
        return !expiresAt.isAfter(now);
    }

    @Override
    public String toString() {
        return "Challenge[id=" + id + ", userId=" + userId + "]";
    }
}
