package dev.verimail.mailer.inbox;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The {@code inbox_message} table. */
@Repository
class InboxMessages {

    private static final int LIMIT = 100;

    private static final RowMapper<InboxMessage> MESSAGE = (rs, n) -> new InboxMessage(rs.getLong("id"),
            UUID.fromString(rs.getString("event_id")), rs.getString("recipient"), rs.getString("subject"),
            rs.getString("name"), rs.getString("link"), rs.getString("html_body"),
            rs.getObject("created_at", LocalDateTime.class).toInstant(ZoneOffset.UTC));

    private final NamedParameterJdbcTemplate jdbc;
    private final TransactionTemplate tx;

    InboxMessages(NamedParameterJdbcTemplate jdbc, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.tx = new TransactionTemplate(transactions);
    }

    void add(UUID eventId, String to, String subject, String name, String link, String html, Instant at) {
        tx.executeWithoutResult(status -> jdbc.update("""
                INSERT INTO inbox_message (event_id, recipient, recipient_key, subject, name, link, html_body, created_at)
                VALUES (:eventId, :to, :key, :subject, :name, :link, :html, :at)""",
                new MapSqlParameterSource("eventId", eventId.toString()).addValue("to", to)
                        .addValue("key", to.toLowerCase(Locale.ROOT)).addValue("subject", subject)
                        .addValue("name", name).addValue("link", link).addValue("html", html)
                        .addValue("at", LocalDateTime.ofInstant(at, ZoneOffset.UTC))));
    }

    /** Newest first, at most 100; all recipients when {@code to} is blank. */
    List<InboxMessage> latest(String to) {
        if (to == null || to.isBlank()) {
            return jdbc.query("SELECT * FROM inbox_message ORDER BY id DESC LIMIT " + LIMIT, MESSAGE);
        }
        return jdbc.query("SELECT * FROM inbox_message WHERE recipient_key = :key ORDER BY id DESC LIMIT " + LIMIT,
                new MapSqlParameterSource("key", to.trim().toLowerCase(Locale.ROOT)), MESSAGE);
    }
}
