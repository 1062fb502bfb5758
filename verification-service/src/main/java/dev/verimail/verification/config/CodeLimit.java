package dev.verimail.verification.config;

import java.time.Duration;

import dev.verimail.web.limit.Rate;

/**
 * A limit on wrong codes, {@code COUNT/DURATION} ({@code 50/1h}, {@code 20/10m}; units {@code s}, {@code m},
 * {@code h}, {@code d}), or {@code off}: the format of registration-service's abuse limits. Counted in fixed
 * windows: the first failure opens a window of {@code period}; {@code count} failures in it refuse further tries
 * until it ends.
 */
public record CodeLimit(int count, Duration period) {

    public static final CodeLimit OFF = new CodeLimit(0, Duration.ZERO);

    /** @param name the setting, for the error message ({@link Rate#parse}) */
    public static CodeLimit parse(String name, String value) {
        Rate rate = Rate.parse(name, value);
        return rate.isOff() ? OFF : new CodeLimit(rate.count(), rate.period());
    }

    public boolean isOff() {
        return count == 0;
    }

    @Override
    public String toString() {
        return isOff() ? "off" : count + " per " + period;
    }
}
