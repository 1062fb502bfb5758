package dev.verimail.web.link;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The token of a verification link, signed so that verification-service can tell a genuine link from a forged one
 * before it has stored the link's challenge (it may lag behind, or have just restarted): a genuine one gets "one
 * moment", a forged or mistyped one "not valid" at once.
 * <p>
 * A token is 39 bytes, URL-safe Base64 without padding (52 characters): a version byte (1), the key id (1 byte),
 * the link's expiry in epoch seconds (5 bytes), 16 random bytes, and the first 16 bytes of HMAC-SHA256 over the
 * 23 bytes before it. The token only names a challenge; the authcode beside it in the link is the secret, stored
 * by verification-service only as a hash, and still checked against the stored challenge.
 * <p>
 * Keys come from {@code VERIMAIL_LINK_KEY}: {@code id:base64key[,id:base64key...]}, ids 1-255, keys of at least
 * 32 bytes. The first key signs; all of them verify, so a key is rotated by putting a new one first and dropping
 * the old one once its links have expired. registration-service and verification-service must hold the same keys.
 */
public final class SignedTokens {

    /** What a token that has no stored challenge is. */
    public enum Verdict {
        /** Signed by one of our keys and not expired: its challenge is on its way. */
        GENUINE,
        /** Signed by one of our keys, but past its expiry. */
        EXPIRED,
        /** Not ours: wrong length, unknown key, bad signature, or an unsigned token of an older version. */
        NOT_OURS
    }

    public static final String ENVIRONMENT = "VERIMAIL_LINK_KEY";
    private static final byte VERSION = 1;
    private static final int HEADER = 1 + 1 + 5 + 16;
    private static final int MAC_BYTES = 16;
    private static final int MIN_KEY_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private final Map<Integer, SecretKeySpec> keys;
    private final int signingKey;

    private SignedTokens(Map<Integer, SecretKeySpec> keys, int signingKey) {
        this.keys = keys;
        this.signingKey = signingKey;
    }

    /**
     * @param spec the value of {@value #ENVIRONMENT}
     * @throws IllegalArgumentException naming what is wrong, never quoting a key
     */
    public static SignedTokens of(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException(ENVIRONMENT + " is not set. registration-service and "
                    + "verification-service need the same link key, e.g. " + ENVIRONMENT
                    + "=1:$(openssl rand -base64 32)");
        }
        Map<Integer, SecretKeySpec> keys = new LinkedHashMap<>();
        int first = -1;
        for (String part : spec.split(",")) {
            int colon = part.indexOf(':');
            int id;
            byte[] key;
            try {
                id = Integer.parseInt(part.substring(0, Math.max(colon, 0)).strip());
                key = Base64.getDecoder().decode(part.substring(colon + 1).strip());
            }
            catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(ENVIRONMENT + " must be id:base64key[,id:base64key...]");
            }
            if (id < 1 || id > 255 || key.length < MIN_KEY_BYTES || keys.containsKey(id)) {
                throw new IllegalArgumentException(ENVIRONMENT + ": key ids are 1-255 and unique, keys at least "
                        + MIN_KEY_BYTES + " bytes (key " + id + ")");
            }
            keys.put(id, new SecretKeySpec(key, "HmacSHA256"));
            if (first < 0) {
                first = id;
            }
        }
        return new SignedTokens(Map.copyOf(keys), first);
    }

    /** A random key spec for one machine's local stack or a test: {@code 1:<32 random bytes>}. */
    public static String randomSpec() {
        byte[] key = new byte[MIN_KEY_BYTES];
        RANDOM.nextBytes(key);
        return "1:" + Base64.getEncoder().encodeToString(key);
    }

    /** A new token for a link that expires at {@code expiresAt}. */
    public String issue(Instant expiresAt) {
        ByteBuffer buffer = ByteBuffer.allocate(HEADER + MAC_BYTES);
        buffer.put(VERSION).put((byte) signingKey);
        long seconds = expiresAt.getEpochSecond();
        for (int shift = 32; shift >= 0; shift -= 8) {
            buffer.put((byte) (seconds >>> shift));
        }
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        buffer.put(random);
        buffer.put(mac(signingKey, Arrays.copyOf(buffer.array(), HEADER)));
        return ENCODER.encodeToString(buffer.array());
    }

    /** Whether {@code token} is one of ours and still current, judged from the token alone. */
    public Verdict check(String token, Instant now) {
        byte[] bytes;
        try {
            bytes = token == null || token.length() != 52 ? null : DECODER.decode(token);
        }
        catch (IllegalArgumentException e) {
            bytes = null;
        }
        if (bytes == null || bytes.length != HEADER + MAC_BYTES || bytes[0] != VERSION
                || !keys.containsKey(bytes[1] & 0xff)) {
            return Verdict.NOT_OURS;
        }
        byte[] expected = mac(bytes[1] & 0xff, Arrays.copyOf(bytes, HEADER));
        if (!MessageDigest.isEqual(expected, Arrays.copyOfRange(bytes, HEADER, HEADER + MAC_BYTES))) {
            return Verdict.NOT_OURS;
        }
        long seconds = 0;
        for (int i = 2; i < 7; i++) {
            seconds = (seconds << 8) | (bytes[i] & 0xff);
        }
        return now.getEpochSecond() >= seconds ? Verdict.EXPIRED : Verdict.GENUINE;
    }

    /**
     * The keyed hash of a link's 6-digit code, for verification-service to store instead of the code: HMAC-SHA256
     * over {@code token|code} with a subkey (HMAC of {@value #CODE_LABEL} under the key that signed the token),
     * URL-safe Base64 without padding (43 characters). A million codes are easy to try against a plain hash; this
     * one is worthless without the link key.
     *
     * @throws IllegalArgumentException if the token is not signed by one of our keys
     */
    public String codeHash(String token, String code) {
        int keyId = keyIdOf(token);
        if (keyId < 0) {
            throw new IllegalArgumentException("not a token of ours");
        }
        return ENCODER.encodeToString(codeMac(keyId, token, code));
    }

    /** Whether {@code code} is the code whose {@link #codeHash} is {@code storedHash}, in constant time. */
    public boolean codeMatches(String token, String code, String storedHash) {
        int keyId = keyIdOf(token);
        if (keyId < 0 || code == null || storedHash == null) {
            return false;
        }
        byte[] stored;
        try {
            stored = DECODER.decode(storedHash);
        }
        catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(codeMac(keyId, token, code), stored);
    }

    private static final String CODE_LABEL = "verimail/code/v1";

    /** The id of the key a well-formed token names, if we hold it; else -1. */
    private int keyIdOf(String token) {
        byte[] bytes;
        try {
            bytes = token == null || token.length() != 52 ? null : DECODER.decode(token);
        }
        catch (IllegalArgumentException e) {
            bytes = null;
        }
        if (bytes == null || bytes.length != HEADER + MAC_BYTES || bytes[0] != VERSION
                || !keys.containsKey(bytes[1] & 0xff)) {
            return -1;
        }
        return bytes[1] & 0xff;
    }

    private byte[] codeMac(int keyId, String token, String code) {
        try {
            Mac derive = Mac.getInstance("HmacSHA256");
            derive.init(keys.get(keyId));
            byte[] subkey = derive.doFinal(CODE_LABEL.getBytes(StandardCharsets.UTF_8));
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(subkey, "HmacSHA256"));
            return mac.doFinal((token + "|" + code).getBytes(StandardCharsets.UTF_8));
        }
        catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private byte[] mac(int keyId, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(keys.get(keyId));
            return Arrays.copyOf(mac.doFinal(data), MAC_BYTES);
        }
        catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
