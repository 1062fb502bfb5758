package dev.verimail.registration.user;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * The secret of a verification link: the authcode, 256 random bits, URL-safe. The token beside it, which names the
 * challenge, is a {@link dev.verimail.web.link.SignedTokens signed token}.
 */
final class Secrets {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private Secrets() {
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
