package dev.verimail.verification.challenge;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

import dev.verimail.outbox.UtcTime;

/** Instants in {@code DATETIME(6)} columns are UTC, whatever the JVM's zone: the project's one way, {@link UtcTime}. */
final class SqlTime {

    private SqlTime() {
    }

    static void set(PreparedStatement ps, int index, Instant instant) throws SQLException {
        UtcTime.set(ps, index, instant);
    }

    static Instant get(ResultSet rs, String column) throws SQLException {
        return UtcTime.get(rs, column);
    }
}
