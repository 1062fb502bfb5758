package dev.verimail.verification.challenge;

import java.security.MessageDigest;

import dev.verimail.events.secret.AuthcodeDigest;

/**
 * What we keep of an authcode: its SHA-256, as a v2 challenge event brings it ({@link AuthcodeDigest}).
 * <p>
 * A slow password hash (bcrypt, scrypt, Argon2) exists to make guessing low-entropy secrets such as passwords
 * expensive. An authcode is 256 bits from {@code SecureRandom}: even with the hash in hand, finding a preimage by
 * trying candidates takes about 2^255 SHA-256 evaluations, far out of reach whatever each one costs. So a fast hash
 * is enough, and it keeps every click cheap.
 */
final class AuthcodeHash {

    private AuthcodeHash() {
    }

    static byte[] of(String authcode) {
        return AuthcodeDigest.bytes(authcode);
    }

    /** Compares in constant time, so response times say nothing about how much of a guess was right. */
    static boolean matches(String authcode, byte[] expected) {
        return MessageDigest.isEqual(of(authcode), expected);
    }
}
