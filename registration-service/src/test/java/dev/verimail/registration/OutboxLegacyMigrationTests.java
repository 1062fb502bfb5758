package dev.verimail.registration;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.verimail.outbox.OutboxRelay;
import dev.verimail.testbed.DatabaseCoordinates;
import dev.verimail.testbed.ServiceTest;
import dev.verimail.testbed.TestDatabases;
import dev.verimail.testbed.TopicReader;

/**
 * A database from before the outbox had its own Flyway history: the service's history holds the outbox's
 * {@code V1000} and an unpublished row waits. The service starts with its migrations since ({@code V3}) and a new one, {@code V999}
 * (test-only): the outbox history adopts the existing table (row kept), {@code V1000} leaves the service's history,
 * {@code V3} and {@code V999} apply, both histories validate, and the waiting row is still published.
 */
@ServiceTest(properties = {
        "spring.datasource.url=${verimail.test.legacy-db.url}",
        "spring.datasource.username=${verimail.test.legacy-db.username}",
        "spring.datasource.password=${verimail.test.legacy-db.password}",
        "spring.flyway.locations=classpath:db/migration,classpath:db/test-migration",
        "verimail.outbox.enabled=false" })
class OutboxLegacyMigrationTests {

    static final String WAITING_EVENT = UUID.randomUUID().toString();

    static {
        DatabaseCoordinates legacy = TestDatabases.server().create("legacy");
        // the schema as the previous release left it: service V1, V2 and the outbox's V1000 in one history
        Flyway.configure().dataSource(legacy.url(), legacy.username(), legacy.password())
                .locations("classpath:db/migration", "classpath:db/legacy-outbox").load().migrate();
        try (Connection c = DriverManager.getConnection(legacy.url(), legacy.username(), legacy.password());
                Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO outbox_event (event_id, topic, message_key, event_type, occurred_at, payload,"
                    + " created_at) VALUES ('" + WAITING_EVENT + "', 'legacy-events', '42', 'test.Legacy.v1',"
                    + " '2025-01-01 00:00:00', '{}', '2025-01-01 00:00:00')");
        }
        catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        System.setProperty("verimail.test.legacy-db.url", legacy.url());
        System.setProperty("verimail.test.legacy-db.username", legacy.username());
        System.setProperty("verimail.test.legacy-db.password", legacy.password());
    }

    @Autowired
    DataSource dataSource;

    @Autowired
    JdbcTemplate db;

    @Autowired
    OutboxRelay relay;

    @Value("${spring.kafka.bootstrap-servers}")
    String bootstrapServers;

    @Test
    void anExistingDatabaseTakesTheNextServiceMigrationAndKeepsItsOutbox() {
        assertThat(db.queryForList("SELECT version FROM flyway_schema_history WHERE version IS NOT NULL"
                + " ORDER BY installed_rank", String.class)).containsExactly("1", "2", "3", "4", "5", "6", "999");
        assertThat(db.queryForList("SELECT type FROM flyway_outbox_history ORDER BY installed_rank", String.class))
                .first().isEqualTo("BASELINE");
        assertThat(db.queryForList("SELECT version FROM flyway_outbox_history WHERE type <> 'BASELINE'"
                + " ORDER BY installed_rank", String.class)).containsExactly("1", "2", "3", "4");
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration", "classpath:db/test-migration")
                .load().validate();
        Flyway.configure().dataSource(dataSource).table("flyway_outbox_history")
                .locations("classpath:db/verimail-outbox").load().validate();

        assertThat(db.queryForObject("SELECT attempts FROM outbox_event WHERE event_id = ?", Integer.class,
                WAITING_EVENT)).isZero();
        assertThat(relay.publishBatch()).isOne();
        try (TopicReader reader = TopicReader.fromBeginning(bootstrapServers, "legacy-events")) {
            List<?> records = reader.await(r -> "42".equals(r.key()), 1, Duration.ofSeconds(30));
            assertThat(records).hasSize(1);
        }
        assertThat(db.queryForObject("SELECT COUNT(*) FROM outbox_event", Integer.class)).isZero();
    }
}
