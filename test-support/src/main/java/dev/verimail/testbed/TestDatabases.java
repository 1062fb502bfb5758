package dev.verimail.testbed;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import org.testcontainers.mysql.MySQLContainer;

/**
 * Hands out a fresh, empty database per call on one MySQL/MariaDB server, and drops them when the JVM exits.
 */
public final class TestDatabases {

    private static final String DEFAULT_URL = "jdbc:mariadb://127.0.0.1:3306/";

    private static TestDatabases instance;

    private final String serverUrl;
    private final String username;
    private final String password;
    private final List<String> created = new ArrayList<>();

    private TestDatabases(String serverUrl, String username, String password) {
        this.serverUrl = serverUrl.endsWith("/") ? serverUrl : serverUrl + "/";
        this.username = username;
        this.password = password;
        Runtime.getRuntime().addShutdownHook(new Thread(this::dropAll, "drop-test-databases"));
    }

    /** The server every test of this JVM uses: Docker's MySQL 8.4 if Docker runs and no URL is given, else the local one. */
    public static synchronized TestDatabases server() {
        if (instance == null) {
            String url = System.getenv("VERIMAIL_TEST_DB_URL");
            if (url == null && Docker.available()) {
                MySQLContainer mysql = new MySQLContainer("mysql:8.4").withUsername("root").withPassword("test");
                mysql.start();
                String jdbc = mysql.getJdbcUrl();
                instance = new TestDatabases(jdbc.substring(0, jdbc.lastIndexOf('/') + 1), "root", "test");
            }
            else {
                instance = new TestDatabases(url == null ? DEFAULT_URL : url,
                        env("VERIMAIL_TEST_DB_USER", "root"), env("VERIMAIL_TEST_DB_PASSWORD", ""));
            }
            instance.checkReachable();
        }
        return instance;
    }

    /** A new empty database; the URL uses the MariaDB driver on MariaDB and the MySQL driver on MySQL. */
    public synchronized DatabaseCoordinates create(String prefix) {
        String name = ("vt_" + prefix + "_" + UUID.randomUUID().toString().substring(0, 8))
                .toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        execute("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        created.add(name);
        return new DatabaseCoordinates(urlFor(name), username, password, name);
    }

    /** A URL for {@code database} on this server, with the driver that fits the server. */
    public String urlFor(String database) {
        String base = serverUrl;
        if (isMariaDb()) {
            base = base.replaceFirst("^jdbc:mysql:", "jdbc:mariadb:");
        }
        else {
            base = base.replaceFirst("^jdbc:mariadb:", "jdbc:mysql:");
        }
        return base + database;
    }

    public String username() {
        return username;
    }

    public String password() {
        return password;
    }

    private Boolean mariaDb;

    private synchronized boolean isMariaDb() {
        if (mariaDb == null) {
            try (Connection c = connect()) {
                mariaDb = c.getMetaData().getDatabaseProductVersion().toLowerCase(Locale.ROOT).contains("mariadb")
                        || c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("mariadb");
            }
            catch (SQLException e) {
                throw unreachable(e);
            }
        }
        return mariaDb;
    }

    private void checkReachable() {
        try (Connection c = connect()) {
            c.isValid(2);
        }
        catch (SQLException e) {
            throw unreachable(e);
        }
    }

    private IllegalStateException unreachable(SQLException e) {
        return new IllegalStateException("""
                The integration tests need a MySQL 8 or MariaDB 10.11+ server and cannot reach %s as '%s' (%s).
                Either start Docker (Testcontainers then runs MySQL 8.4), or start a local server, e.g.
                  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
                or point the tests at one with VERIMAIL_TEST_DB_URL, VERIMAIL_TEST_DB_USER, VERIMAIL_TEST_DB_PASSWORD.
                The user needs CREATE and DROP rights: each test class gets a database of its own."""
                .formatted(serverUrl, username, e.getMessage()), e);
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(serverUrl, username, password);
    }

    private void execute(String sql) {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
        catch (SQLException e) {
            throw new IllegalStateException("Test database setup failed: " + sql + ": " + e.getMessage(), e);
        }
    }

    private synchronized void dropAll() {
        if ("true".equalsIgnoreCase(System.getenv("VERIMAIL_TEST_KEEP_DATABASES"))) {
            return;
        }
        for (String name : created) {
            try {
                execute("DROP DATABASE IF EXISTS " + name);
            }
            catch (RuntimeException ignored) {
                // best effort at JVM exit
            }
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null ? fallback : value;
    }
}
