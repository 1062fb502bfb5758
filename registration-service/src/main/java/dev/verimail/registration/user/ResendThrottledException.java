package dev.verimail.registration.user;

import java.time.Duration;

/** A link was requested for this address less than the cooldown ago. */
public class ResendThrottledException extends RuntimeException {

    private final Duration retryAfter;

    ResendThrottledException(Duration retryAfter) {
        super("Resend requested too soon; retry after " + retryAfter.toSeconds() + " s");
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
