package dev.verimail.registration.user;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Random, URL-safe values for verification links: the token (128 bits, identifies the challenge) and the authcode
 * (256 bits, the secret).
 */
final class Secrets {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private Secrets() {
    }

    static String token() {
        return random(16);
    }

    static String authcode() {
        return random(32);
    }

    private static String random(int bytes) {
        byte[] value = new byte[bytes];
        RANDOM.nextBytes(value);
        return BASE64URL.encodeToString(value);
    }
}
