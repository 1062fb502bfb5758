package dev.verimail.outbox;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * The one way verimail writes and reads an instant in a {@code DATETIME(6)} column: as the UTC wall-clock time, a
 * {@link LocalDateTime}, which the MySQL and MariaDB drivers pass through without any time-zone conversion. So two
 * instances in different JVM time zones (a UTC one and an Asia/Shanghai one) write and read the same value.
 * {@code java.sql.Timestamp} without a calendar would convert through the JVM's zone. JPA-mapped columns get the
 * same through {@code hibernate.jdbc.time_zone=UTC}.
 */
public final class UtcTime {

    private UtcTime() {
    }

    /** The column value for {@code instant}; {@code null} stays {@code null}. */
    public static LocalDateTime toColumn(Instant instant) {
        return instant == null ? null : LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    public static Instant fromColumn(LocalDateTime value) {
        return value == null ? null : value.toInstant(ZoneOffset.UTC);
    }

    public static void set(PreparedStatement ps, int index, Instant instant) throws SQLException {
        ps.setObject(index, toColumn(instant));
    }

    public static Instant get(ResultSet rs, String column) throws SQLException {
        return fromColumn(rs.getObject(column, LocalDateTime.class));
    }

    public static Instant get(ResultSet rs, int column) throws SQLException {
        return fromColumn(rs.getObject(column, LocalDateTime.class));
    }
}
