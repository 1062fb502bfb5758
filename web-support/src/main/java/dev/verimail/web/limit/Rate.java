package dev.verimail.web.limit;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How every abuse limit of the services is written: {@code COUNT/DURATION} ({@code 5/24h}, {@code 30/10m},
 * {@code 50/1h}; units {@code s}, {@code m}, {@code h}, {@code d}; a missing amount means 1), or {@code off}. Each
 * service decides how it counts (registration a token bucket, verification fixed windows); this is only the
 * setting, checked once at start-up so a typo stops the service with the setting's name.
 */
public record Rate(int count, Duration period) {

    public static final Rate OFF = new Rate(0, Duration.ZERO);

    private static final Pattern FORMAT = Pattern.compile("(\\d{1,9})\\s*/\\s*(\\d{1,9})?\\s*([smhd])");

    /**
     * @param name the setting, for the error message
     * @throws IllegalArgumentException naming the setting, for anything but a positive rate or {@code off}
     */
    public static Rate parse(String name, String value) {
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
        return new Rate(count, period);
    }

    public boolean isOff() {
        return count == 0;
    }

    @Override
    public String toString() {
        return isOff() ? "off" : count + " per " + period;
    }
}
