package dev.verimail.verification.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A limit on wrong codes, {@code COUNT/DURATION} ({@code 50/1h}, {@code 20/10m}; units {@code s}, {@code m},
 * {@code h}, {@code d}), or {@code off}: the format of registration-service's abuse limits. Counted in fixed
 * windows: the first failure opens a window of {@code period}; {@code count} failures in it refuse further tries
 * until it ends.
 */
public record CodeLimit(int count, Duration period) {

    public static final CodeLimit OFF = new CodeLimit(0, Duration.ZERO);

    private static final Pattern FORMAT = Pattern.compile("(\\d{1,9})\\s*/\\s*(\\d{1,9})?\\s*([smhd])");

    /** @param name the setting, for the error message */
    public static CodeLimit parse(String name, String value) {
        String v = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        if (v.equals("off")) {
            return OFF;
        }
        Matcher m = FORMAT.matcher(v);
        if (!m.matches()) {
            throw new IllegalArgumentException(name + " must be COUNT/DURATION (e.g. 50/1h, 20/10m; units s, m, h, d) "
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
        return new CodeLimit(count, period);
    }

    public boolean isOff() {
        return count == 0;
    }

    @Override
    public String toString() {
        return isOff() ? "off" : count + " per " + period;
    }
}
