package dev.verimail.events.secret;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Authenticated encryption of the one-time secret for the services that hold the keys (registration seals, the
 * mailer opens): AES-256-GCM, a fresh 96-bit nonce per seal, and the context the secret belongs to (user and token)
 * as associated data, so a sealed authcode copied onto another challenge does not open.
 * <p>
 * Keys come from {@code VERIMAIL_SECRET_KEYS}: {@code id:base64key[,id:base64key...]}, ids 1-255, keys of 32 bytes
 * (standard or URL-safe base64). The first key seals; every listed key opens, so a key rotates by putting the new
 * one first on every service, then dropping the old one once no record sealed with it can still be read (the
 * registration-events retention). The sealed form is {@code <keyId>:<base64url(nonce || ciphertext || tag)>}.
 */
public final class SecretBox {

    /** The environment variable the services read the keys from. */
    public static final String VARIABLE = "VERIMAIL_SECRET_KEYS";

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final int KEY_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private final int sealingKeyId;
    private final Map<Integer, SecretKey> keys;

    private SecretBox(int sealingKeyId, Map<Integer, SecretKey> keys) {
        this.sealingKeyId = sealingKeyId;
        this.keys = Map.copyOf(keys);
    }

    /**
     * @throws IllegalArgumentException for an empty list, a malformed entry, a repeated id or a key that is not 32
     *                                  bytes; the message names the entry by position and id, never the key
     */
    public static SecretBox parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException(VARIABLE + " is not set: give at least one key as id:base64key "
                    + "(32 random bytes, e.g. `openssl rand -base64 32`)");
        }
        Map<Integer, SecretKey> keys = new LinkedHashMap<>();
        int first = -1;
        String[] entries = spec.split(",");
        for (int i = 0; i < entries.length; i++) {
            String entry = entries[i].trim();
            int colon = entry.indexOf(':');
            if (colon < 1) {
                throw new IllegalArgumentException(VARIABLE + " entry " + (i + 1) + " is not id:base64key");
            }
            int id;
            try {
                id = Integer.parseInt(entry.substring(0, colon));
            }
            catch (NumberFormatException e) {
                throw new IllegalArgumentException(VARIABLE + " entry " + (i + 1) + " has no numeric key id");
            }
            if (id < 1 || id > 255) {
                throw new IllegalArgumentException(VARIABLE + " entry " + (i + 1) + ": key id " + id + " is not 1-255");
            }
            byte[] key = decodeKey(entry.substring(colon + 1).trim(), i + 1, id);
            if (keys.putIfAbsent(id, new SecretKeySpec(key, "AES")) != null) {
                throw new IllegalArgumentException(VARIABLE + " lists key id " + id + " twice");
            }
            if (first < 0) {
                first = id;
            }
        }
        return new SecretBox(first, keys);
    }

    private static byte[] decodeKey(String text, int position, int id) {
        byte[] key;
        try {
            key = text.indexOf('-') >= 0 || text.indexOf('_') >= 0 ? Base64.getUrlDecoder().decode(text)
                    : Base64.getDecoder().decode(text);
        }
        catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(VARIABLE + " entry " + position + " (key id " + id + ") is not base64");
        }
        if (key.length != KEY_BYTES) {
            throw new IllegalArgumentException(VARIABLE + " entry " + position + " (key id " + id + ") is "
                    + key.length + " bytes; AES-256 needs 32");
        }
        return key;
    }

    /** The associated data of an authcode: it opens only for the user and challenge (token) it was issued for. */
    public static String authcodeContext(long userId, String token) {
        return "verimail/authcode/v2|" + userId + "|" + token;
    }

    /** The associated data of a challenge's sealed 6-digit code: the same challenge, another purpose. */
    public static String codeContext(long userId, String token) {
        return "verimail/code/v1|" + userId + "|" + token;
    }

    /** The id of the key that seals. */
    public int sealingKeyId() {
        return sealingKeyId;
    }

    public String seal(String secret, String context) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, keys.get(sealingKeyId), nonce, context);
            byte[] sealed = cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            return sealingKeyId + ":" + ENCODER.encodeToString(ByteBuffer.allocate(NONCE_BYTES + sealed.length)
                    .put(nonce).put(sealed).array());
        }
        catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every JVM", e);
        }
    }

    /**
     * @throws UnsealException when the text is not a sealed secret, names a key this service does not hold, or was
     *                         altered or sealed for another context; the message never contains the text
     */
    public String open(String sealed, String context) {
        if (sealed == null) {
            throw new UnsealException("no sealed secret");
        }
        int colon = sealed.indexOf(':');
        if (colon < 1 || colon > 3) {
            throw new UnsealException("not a sealed secret (keyId:ciphertext)");
        }
        int id;
        byte[] data;
        try {
            id = Integer.parseInt(sealed.substring(0, colon));
            data = Base64.getUrlDecoder().decode(sealed.substring(colon + 1));
        }
        catch (IllegalArgumentException e) {
            throw new UnsealException("not a sealed secret (keyId:base64url)");
        }
        SecretKey key = keys.get(id);
        if (key == null) {
            throw new UnsealException("sealed with key id " + id + ", which " + VARIABLE + " does not hold");
        }
        if (data.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new UnsealException("sealed secret too short");
        }
        try {
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, key, java.util.Arrays.copyOf(data, NONCE_BYTES), context);
            return new String(cipher.doFinal(data, NONCE_BYTES, data.length - NONCE_BYTES), StandardCharsets.UTF_8);
        }
        catch (javax.crypto.AEADBadTagException e) {
            throw new UnsealException("sealed secret does not authenticate with key id " + id
                    + " (altered, or sealed for another challenge)");
        }
        catch (GeneralSecurityException e) {
            throw new UnsealException("sealed secret could not be opened (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** Whether a stored value is in the sealed form (rather than a clear authcode kept by an earlier version). */
    public static boolean isSealed(String value) {
        int colon = value == null ? -1 : value.indexOf(':');
        return colon >= 1 && colon <= 3;
    }

    private static Cipher cipher(int mode, SecretKey key, byte[] nonce, String context)
            throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
        return cipher;
    }

    @Override
    public String toString() {
        return "SecretBox[sealingKeyId=" + sealingKeyId + ", keyIds=" + keys.keySet() + "]";
    }
}
