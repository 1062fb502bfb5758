package dev.verimail.registration.limit;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A rate, {@code COUNT/DURATION} ({@code 5/24h}, {@code 30/10m}; units {@code s}, {@code m}, {@code h}, {@code d}),
 * or {@code off}. Up to {@code count} requests at once, then one more every {@code period / count}: a client that
 * used its five emails of the day gets the next one about five hours later, not at midnight.
 */
public record Limit(int count, Duration period) {

    public static final Limit OFF = new Limit(0, Duration.ZERO);

    private static final Pattern FORMAT = Pattern.compile("(\\d{1,9})\\s*/\\s*(\\d{1,9})?\\s*([smhd])");

    /** @param name the setting, for the error message */
    public static Limit parse(String name, String value) {
        String v = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        if (v.equals("off")) {
            return OFF;
        }
        Matcher m = FORMAT.matcher(v);
        if (!m.matches()) {
            throw new IllegalArgumentException(name + " must be COUNT/DURATION (e.g. 5/24h, 30/10m; units s, m, h, d) "
                    + "or off, was '" + value + "'");
        }
        int count = Integer.parseInt(m.group(1));
        long amount = m.group(2) == null ? 1 : Long.parseLong(m.group(2));
        Duration period = switch (m.group(3)) {
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
        if (count < 1 || period.isZero()) {
            throw new IllegalArgumentException(name + ": count and duration must be positive (or 'off'), was '" + value + "'");
        }
        return new Limit(count, period);
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
