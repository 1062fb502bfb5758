package dev.verimail.web.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * The bearer tokens that open the operator APIs ({@code VERIMAIL_OPERATOR_TOKENS}, comma-separated). Only their
 * SHA-256 digests are kept; a presented token is hashed and compared with every digest in constant time, so neither
 * the comparison's duration nor its position in the list tells a caller how close a guess was. None configured: every
 * operator API answers 401. A token shorter than {@link #MIN_LENGTH} characters refuses the start-up: a short token
 * can be guessed over the network.
 */
public final class OperatorTokens {

    public static final int MIN_LENGTH = 32;

    private final List<byte[]> digests;

    private OperatorTokens(List<byte[]> digests) {
        this.digests = List.copyOf(digests);
    }

    /** @param configured the comma-separated list, blank or null for none */
    public static OperatorTokens parse(String configured) {
        List<byte[]> digests = new ArrayList<>();
        if (configured != null) {
            int position = 0;
            for (String token : configured.split(",")) {
                position++;
                String trimmed = token.strip();
                if (trimmed.isEmpty()) {
                    continue;
                }
                if (trimmed.length() < MIN_LENGTH) {
                    throw new IllegalStateException("VERIMAIL_OPERATOR_TOKENS: token #" + position + " has "
                            + trimmed.length() + " characters; operator tokens need at least " + MIN_LENGTH
                            + " (e.g. openssl rand -base64 32)");
                }
                digests.add(sha256(trimmed));
            }
        }
        return new OperatorTokens(digests);
    }

    public boolean isEmpty() {
        return digests.isEmpty();
    }

    public int size() {
        return digests.size();
    }

    /** Whether {@code presented} is one of the tokens. Looks at every configured token whatever the answer. */
    public boolean matches(String presented) {
        byte[] digest = sha256(presented);
        boolean match = false;
        for (byte[] candidate : digests) {
            match |= MessageDigest.isEqual(candidate, digest);
        }
        return match;
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
