package dev.verimail.outbox;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;
import org.springframework.dao.DataAccessResourceFailureException;

/**
 * The outbox's tables, migrated by a Flyway run of their own ({@value #HISTORY_TABLE}, {@value #LOCATION}).
 * <p>
 * Why not the service's history: its versions then had to be numbered around the service's, and the old
 * {@code V1000} made every later service migration "lower than the latest applied", which fails validation on every
 * existing database. With its own history the service and the outbox migrate independently.
 * <p>
 * On a database from before this split the tables exist and the service's history holds {@code V1000}. The outbox
 * run baselines at version 0 (the schema is not empty), so its {@code V1} runs and, being {@code CREATE TABLE IF NOT
 * EXISTS}, keeps the table and its rows; {@link #forgetLegacyMigration} then removes {@code V1000} from the service's
 * history, which no longer ships it.
 */
final class OutboxSchema {

    static final String HISTORY_TABLE = "flyway_outbox_history";
    static final String LOCATION = "classpath:db/verimail-outbox";
    static final String LEGACY_VERSION = "1000";
    static final String LEGACY_SCRIPT = "V1000__create_outbox_event.sql";

    private static final Logger log = LoggerFactory.getLogger(OutboxSchema.class);

    private final DataSource dataSource;
    private final Environment environment;

    OutboxSchema(DataSource dataSource, Environment environment) {
        this.dataSource = dataSource;
        this.environment = environment;
    }

    /**
     * Brings the outbox tables up to date; runs after the service's migrations and before the relay starts. The
     * schema is not empty by then (the service's tables), so the first run baselines at 0 and applies every version.
     */
    void migrate() {
        FluentConfiguration flyway = Flyway.configure();
        String user = environment.getProperty("spring.flyway.user");
        if (user != null && !user.isBlank()) {
            // the service migrates as a user of its own (DDL rights) and runs as one with data rights only: so do we
            flyway.dataSource(environment.getProperty("spring.flyway.url", environment.getProperty("spring.datasource.url")),
                    user, environment.getProperty("spring.flyway.password", ""));
        }
        else {
            flyway.dataSource(dataSource);
        }
        flyway
                .table(HISTORY_TABLE)
                .locations(LOCATION)
                .failOnMissingLocations(true)
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .baselineDescription("outbox history starts")
                .load()
                .migrate();
    }

    /**
     * Removes the outbox's former {@code V1000} entry from the service's Flyway history, if there is one, so a new
     * service migration is not "lower than the latest applied".
     *
     * @param serviceHistoryTable the service's Flyway table ({@code spring.flyway.table})
     * @return whether an entry was removed
     */
    boolean forgetLegacyMigration(String serviceHistoryTable) {
        try (Connection c = dataSource.getConnection()) {
            if (!tableExists(c, serviceHistoryTable)) {
                return false;
            }
            String q = c.getMetaData().getIdentifierQuoteString().trim();
            String sql = "DELETE FROM " + q + serviceHistoryTable + q + " WHERE " + q + "version" + q + " = ? AND "
                    + q + "script" + q + " = ?";
            int removed;
            try (PreparedStatement delete = c.prepareStatement(sql)) {
                delete.setString(1, LEGACY_VERSION);
                delete.setString(2, LEGACY_SCRIPT);
                removed = delete.executeUpdate();
            }
            if (!c.getAutoCommit()) {
                c.commit();
            }
            if (removed > 0) {
                log.info("Outbox schema now has its own Flyway history ({}); removed its former {} from {}",
                        HISTORY_TABLE, LEGACY_SCRIPT, serviceHistoryTable);
            }
            return removed > 0;
        }
        catch (SQLException e) {
            throw new DataAccessResourceFailureException("Could not check " + serviceHistoryTable + " for "
                    + LEGACY_SCRIPT, e);
        }
    }

    private static boolean tableExists(Connection c, String table) throws SQLException {
        DatabaseMetaData meta = c.getMetaData();
        try (ResultSet tables = meta.getTables(c.getCatalog(), c.getSchema(), table, new String[] { "TABLE" })) {
            while (tables.next()) {
                if (table.equals(tables.getString("TABLE_NAME"))) {
                    return true;
                }
            }
            return false;
        }
    }
}
