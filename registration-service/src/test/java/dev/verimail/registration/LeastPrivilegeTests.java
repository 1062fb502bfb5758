package dev.verimail.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpResponse;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import dev.verimail.testbed.DatabaseCoordinates;
import dev.verimail.testbed.ServiceTest;
import dev.verimail.testbed.TestDatabases;
import dev.verimail.testbed.TestHttp;

/**
 * The deployment's database users (docker/mysql/01-databases.sh): the service runs as a user with data rights only
 * on its database, and Flyway, the outbox's own migration included, runs as a migration user with DDL rights
 * ({@code SPRING_FLYWAY_USER}). A fresh database is migrated that way and takes a sign-up; the runtime user cannot
 * change the schema.
 */
@ServiceTest
class LeastPrivilegeTests {

    @Value("${spring.kafka.bootstrap-servers}")
    String bootstrapServers;

    @Value("${verimail.link-key}")
    String linkKey;

    private ConfigurableApplicationContext app;
    private JdbcTemplate root;
    private String runtimeUser;
    private String migrationUser;

    @AfterEach
    void cleanUp() {
        if (app != null) {
            app.close();
        }
        if (root != null) {
            root.execute("DROP USER IF EXISTS '" + runtimeUser + "'@'%'");
            root.execute("DROP USER IF EXISTS '" + migrationUser + "'@'%'");
        }
    }

    @Test
    void runsAsADataOnlyUserWhileFlywayMigratesAsAnother() {
        DatabaseCoordinates db = TestDatabases.server().create("least_privilege");
        root = new JdbcTemplate(new DriverManagerDataSource(db.url(), db.username(), db.password()));
        int suffix = ThreadLocalRandom.current().nextInt(1_000_000);
        runtimeUser = "vm_app_" + suffix;
        migrationUser = "vm_mig_" + suffix;
        root.execute("CREATE USER '" + runtimeUser + "'@'%' IDENTIFIED BY 'app-secret-1'");
        root.execute("CREATE USER '" + migrationUser + "'@'%' IDENTIFIED BY 'mig-secret-1'");
        root.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON `" + db.databaseName() + "`.* TO '" + runtimeUser + "'@'%'");
        root.execute("GRANT ALL PRIVILEGES ON `" + db.databaseName() + "`.* TO '" + migrationUser + "'@'%'");

        app = new SpringApplicationBuilder(RegistrationApplication.class).run("--server.port=0",
                "--management.server.port=0", "--spring.datasource.url=" + db.url(),
                "--spring.datasource.username=" + runtimeUser, "--spring.datasource.password=app-secret-1",
                "--spring.flyway.user=" + migrationUser, "--spring.flyway.password=mig-secret-1",
                "--spring.kafka.bootstrap-servers=" + bootstrapServers, "--verimail.link-key=" + linkKey,
                "--verimail.secret-keys=" + dev.verimail.testbed.TestBedInitializer.SECRET_KEYS);
        TestHttp http = TestHttp.localhost(app.getEnvironment().getProperty("local.server.port", Integer.class));

        HttpResponse<String> signup = http.postJson("/api/registrations", "{\"name\":\"P\",\"email\":\"least@example.com\"}");
        assertThat(signup.statusCode()).as(signup.body()).isEqualTo(202);
        assertThat(root.queryForObject("SELECT COUNT(*) FROM flyway_outbox_history WHERE success", Integer.class))
                .as("the outbox's own migration ran too").isPositive();

        JdbcTemplate runtime = new JdbcTemplate(new DriverManagerDataSource(db.url(), runtimeUser, "app-secret-1"));
        assertThat(runtime.queryForObject("SELECT COUNT(*) FROM users", Integer.class)).isEqualTo(1);
        assertThatThrownBy(() -> runtime.execute("CREATE TABLE intruder (i INT)")).rootCause().hasMessageContaining("denied");
        assertThatThrownBy(() -> runtime.execute("DROP TABLE users")).rootCause().hasMessageContaining("denied");
    }
}
