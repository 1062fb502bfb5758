package dev.verimail.registration.limit;

import java.time.Duration;

import dev.verimail.web.limit.Rate;

/**
 * A rate, {@code COUNT/DURATION} ({@code 5/24h}, {@code 30/10m}; units {@code s}, {@code m}, {@code h}, {@code d}),
 * or {@code off}. Up to {@code count} requests at once, then one more every {@code period / count}: a client that
 * used its five emails of the day gets the next one about five hours later, not at midnight.
 */
public record Limit(int count, Duration period) {

    public static final Limit OFF = new Limit(0, Duration.ZERO);

    /** @param name the setting, for the error message ({@link Rate#parse}) */
    public static Limit parse(String name, String value) {
        Rate rate = Rate.parse(name, value);
        return rate.isOff() ? OFF : new Limit(rate.count(), rate.period());
    }

    public boolean isOff() {
        return count == 0;
    }

    /** Micros between two requests at the steady rate. */
    long intervalMicros() {
        return Math.max(1, period.toNanos() / 1000 / count);
    }

    /** Micros a bucket may run ahead of now: room for {@code count} requests at once. */
    long burstMicros() {
        return intervalMicros() * (count - 1);
    }

    @Override
    public String toString() {
        return isOff() ? "off" : count + " per " + period;
    }
}
