package dev.verimail.events.secret;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The {@code authcodeHash} of a v2 challenge event: SHA-256 of the authcode, base64url without padding (43
 * characters). It is all verification-service needs to check a link, and it is safe on the bus: an authcode is 256
 * random bits, so nobody finds one from its hash.
 */
public final class AuthcodeDigest {

    private AuthcodeDigest() {
    }

    public static byte[] bytes(String authcode) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(authcode.getBytes(StandardCharsets.UTF_8));
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    public static String of(String authcode) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(authcode));
    }

    /** @throws IllegalArgumentException when the text is not a base64url SHA-256 */
    public static byte[] decode(String authcodeHash) {
        byte[] hash = authcodeHash == null ? new byte[0] : Base64.getUrlDecoder().decode(authcodeHash);
        if (hash.length != 32) {
            throw new IllegalArgumentException("authcodeHash is not a SHA-256 (32 bytes)");
        }
        return hash;
    }
}
