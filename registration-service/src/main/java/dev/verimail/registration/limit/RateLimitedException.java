package dev.verimail.registration.limit;

import java.time.Duration;

/** Over an abuse limit: answered 429 {@code rate-limited} with {@code Retry-After}. Says nothing of the address. */
public class RateLimitedException extends RuntimeException {

    private final Duration retryAfter;

    public RateLimitedException(Duration retryAfter) {
        super("rate limited", null, false, false);
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }

    /** Whole seconds, at least one, rounded up: what {@code Retry-After} says. */
    public long retryAfterSeconds() {
        return Math.max(1, (retryAfter.toMillis() + 999) / 1000);
    }
}
