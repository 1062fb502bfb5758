package dev.verimail.verification.challenge;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Calendar;
import java.util.TimeZone;

/**
 * Instants in {@code DATETIME(6)} columns are UTC, whatever the JVM's or the database session's time zone. A fresh
 * {@link Calendar} per call: drivers may use the one they are given as scratch space.
 */
final class SqlTime {

    private static final TimeZone UTC = TimeZone.getTimeZone("UTC");

    private SqlTime() {
    }

    static Calendar utc() {
        return Calendar.getInstance(UTC);
    }

    static void set(PreparedStatement ps, int index, Instant instant) throws SQLException {
        ps.setTimestamp(index, Timestamp.from(instant), utc());
    }

    static Instant get(ResultSet rs, String column) throws SQLException {
        Timestamp value = rs.getTimestamp(column, utc());
        return value == null ? null : value.toInstant();
    }
}
