package dev.verimail.verification.challenge;

import java.time.Duration;

/**
 * A code that was not even judged: its challenge (or address) took {@value CodeAttempts#MAX_FAILURES} wrong codes
 * and is locked until a new email, or the client used up its wrong codes ({@link #retryAfter()}). Thrown after the
 * transaction that counted the try committed.
 */
public class CodeRefusedException extends RuntimeException {

    public enum Reason { LOCKED, RATE_LIMITED }

    private final Reason reason;
    private final Duration retryAfter;

    CodeRefusedException(Reason reason, Duration retryAfter) {
        super("code " + reason.name().toLowerCase(java.util.Locale.ROOT), null, false, false);
        this.reason = reason;
        this.retryAfter = retryAfter;
    }

    public Reason reason() {
        return reason;
    }

    /** For {@link Reason#RATE_LIMITED}: when the client may try again; {@code null} otherwise. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
