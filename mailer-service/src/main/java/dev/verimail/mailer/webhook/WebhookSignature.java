package dev.verimail.mailer.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * SendCloud's webhook signature: HMAC-SHA256, keyed with the webhook's APP KEY ({@code SENDCLOUD_WEBHOOK_KEY}), of
 * {@code timestamp + token}, in hex; SendCloud posts {@code token}, {@code timestamp} and {@code signature} with every
 * event (SendCloud, "Learn about WebHook", Signature Verification: "Generate signature with APP KEY, token and
 * timestamp; check with signature in POST data (signature algorithm: SHA256)"). Compared in constant time.
 */
final class WebhookSignature {

    private static final String HMAC = "HmacSHA256";

    private WebhookSignature() {
    }

    /** The signature SendCloud computes for {@code timestamp} and {@code token} with {@code key}, lower-case hex. */
    static String of(String key, String timestamp, String token) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), HMAC));
            return HexFormat.of().formatHex(mac.doFinal((timestamp + token).getBytes(StandardCharsets.UTF_8)));
        }
        catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** Whether {@code signature} (hex, any case) is the one {@code key} gives; false for anything missing. */
    static boolean valid(String key, String timestamp, String token, String signature) {
        if (key == null || key.isEmpty() || timestamp == null || token == null || signature == null) {
            return false;
        }
        byte[] expected = of(key, timestamp, token).getBytes(StandardCharsets.US_ASCII);
        byte[] given = signature.trim().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, given);
    }
}
