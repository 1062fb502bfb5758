package dev.verimail.registration;

import static org.assertj.core.api.Assertions.assertThat;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.verimail.testbed.ServiceTest;

/**
 * On a fresh database the service and the outbox each have their own Flyway history, so the service's next
 * migration ({@code V999}, test-only here) applies after both and passes validation.
 */
@ServiceTest(properties = "verimail.outbox.enabled=false")
class OutboxMigrationTests {

    @Autowired
    DataSource dataSource;

    @Autowired
    JdbcTemplate db;

    @Test
    void theNextServiceMigrationAppliesAndValidatesAfterTheOutboxMigrations() {
        assertThat(versions("flyway_schema_history")).containsExactly("1", "2", "3", "4", "5", "6");
        assertThat(versions("flyway_outbox_history")).contains("1", "2", "3");

        Flyway service = Flyway.configure().dataSource(dataSource)
                .locations("classpath:db/migration", "classpath:db/test-migration").load();
        assertThat(service.migrate().migrationsExecuted).isOne();
        service.validate();
        Flyway.configure().dataSource(dataSource).table("flyway_outbox_history")
                .locations("classpath:db/verimail-outbox").load().validate();

        assertThat(versions("flyway_schema_history")).containsExactly("1", "2", "3", "4", "5", "6", "999");
        assertThat(db.queryForObject("SELECT COUNT(*) FROM test_next_migration", Integer.class)).isZero();
        assertThat(db.queryForObject("SELECT COUNT(*) FROM outbox_dead", Integer.class)).isZero();
    }

    private java.util.List<String> versions(String table) {
        return db.queryForList("SELECT version FROM " + table + " WHERE version IS NOT NULL AND success = 1"
                + " AND type <> 'BASELINE' ORDER BY installed_rank", String.class);
    }
}
