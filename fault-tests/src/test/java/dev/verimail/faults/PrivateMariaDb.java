package dev.verimail.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.verimail.testbed.DatabaseCoordinates;
import dev.verimail.testbed.KafkaBrokerProcess;

/**
 * A MariaDB server of this test alone, as a child process on a port of its own, that can be killed and started
 * again on the same data. The database outage test takes this one away, never the shared server other builds use.
 */
final class PrivateMariaDb implements AutoCloseable {

    private static final List<String> SERVER = List.of("/usr/sbin/mariadbd", "/usr/sbin/mysqld", "/usr/bin/mariadbd");
    private static final List<String> INSTALL = List.of("/usr/bin/mariadb-install-db", "/usr/bin/mysql_install_db",
            "/usr/local/bin/mariadb-install-db");

    private final Path server;
    private final Path dataDir;
    private final Path runDir;
    private final Path log;
    private final int port;
    private final boolean root = "root".equals(System.getProperty("user.name"));
    private Process process;

    private PrivateMariaDb(Path server, Path dataDir, Path runDir, int port) {
        this.server = server;
        this.dataDir = dataDir;
        this.runDir = runDir;
        this.log = dataDir.getParent().resolve("mariadb.log");
        this.port = port;
        Runtime.getRuntime().addShutdownHook(new Thread(this::kill, "kill-private-mariadb"));
    }

    /** Creates a fresh data directory under {@code home} (root without password, TCP only) and starts the server. */
    static PrivateMariaDb install(Path home) {
        Path server = find(SERVER, "mariadbd");
        Path installer = find(INSTALL, "mariadb-install-db");
        try {
            Files.createDirectories(home);
            Path dataDir = home.resolve("data");
            Path runDir = Files.createTempDirectory("verimail-mariadb");
            PrivateMariaDb db = new PrivateMariaDb(server, dataDir, runDir, KafkaBrokerProcess.freePort());
            List<String> command = new ArrayList<>(List.of(installer.toString(), "--no-defaults",
                    "--datadir=" + dataDir, "--auth-root-authentication-method=normal", "--skip-test-db"));
            if (db.root) {
                command.add("--user=root");
            }
            Process install = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(home.resolve("install.log").toFile()).start();
            if (!install.waitFor(120, TimeUnit.SECONDS) || install.exitValue() != 0) {
                install.destroyForcibly();
                throw new IllegalStateException(installer + " failed; see " + home.resolve("install.log"));
            }
            return db.start();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Path find(List<String> candidates, String name) {
        return candidates.stream().map(Path::of).filter(Files::isExecutable).findFirst()
                .orElseThrow(() -> new IllegalStateException("""
                        The database outage test runs a MariaDB server of its own (it must not stop the shared one) \
                        and cannot find %s (looked at %s). Install MariaDB's server package, e.g. \
                        apt-get install -y mariadb-server.""".formatted(name, candidates)));
    }

    /** Starts the server on its data directory and waits until it accepts connections. */
    synchronized PrivateMariaDb start() {
        List<String> command = new ArrayList<>(List.of(server.toString(), "--no-defaults", "--datadir=" + dataDir,
                "--port=" + port, "--bind-address=127.0.0.1", "--socket=" + runDir.resolve("mysqld.sock"),
                "--pid-file=" + runDir.resolve("mysqld.pid"), "--skip-log-bin", "--innodb-buffer-pool-size=64M",
                "--max-connections=300", "--log-error=" + log));
        if (root) {
            command.add("--user=root");
        }
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (true) {
            try (Connection c = DriverManager.getConnection(serverUrl(), "root", "")) {
                c.isValid(2);
                return this;
            }
            catch (SQLException e) {
                if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("The private MariaDB did not start; see " + log, e);
                }
                pause();
            }
        }
    }

    /** SIGKILL: the server dies at once, as in a crash or a pulled plug; InnoDB recovers on the next start. */
    synchronized void kill() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    long pid() {
        return process == null ? -1 : process.pid();
    }

    DatabaseCoordinates create(String name) {
        try (Connection c = DriverManager.getConnection(serverUrl(), "root", ""); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        }
        catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return new DatabaseCoordinates("jdbc:mariadb://127.0.0.1:" + port + "/" + name, "root", "", name);
    }

    private String serverUrl() {
        return "jdbc:mariadb://127.0.0.1:" + port + "/?connectTimeout=2000";
    }

    private static void pause() {
        try {
            Thread.sleep(200);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        kill();
    }
}
