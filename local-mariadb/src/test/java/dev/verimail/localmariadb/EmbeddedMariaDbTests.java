package dev.verimail.localmariadb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedMariaDbTests {

    @TempDir
    Path home;

    private EmbeddedMariaDb db;

    @AfterEach
    void stop() {
        if (db != null) {
            db.stop();
        }
    }

    @Test
    void isARealMariaDbThatKeepsItsDataAcrossACleanStopAndACrash() throws Exception {
        db = newDb(home.resolve("data"));
        db.start();
        assertThat(query("SELECT VERSION()")).startsWith(EmbeddedMariaDb.VERSION).contains("MariaDB");
        execute("CREATE DATABASE kept", "CREATE TABLE kept.t (id INT PRIMARY KEY, v VARCHAR(10))",
                "INSERT INTO kept.t VALUES (1, 'clean')");

        db.stop();
        assertThat(db.isRunning()).isFalse();
        db.start();
        assertThat(query("SELECT v FROM kept.t WHERE id = 1")).isEqualTo("clean");

        execute("INSERT INTO kept.t VALUES (2, 'crash')");
        long pid = db.pid();
        db.kill();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(home.resolve("data").resolve("mariadbd.pid")).exists(); // what a crash leaves behind
        db.start();
        assertThat(query("SELECT v FROM kept.t WHERE id = 2")).isEqualTo("crash");
    }

    @Test
    void aStalePidFileOrAnInterruptedInstallDoesNotBlockTheNextStart() throws Exception {
        Path data = home.resolve("data");
        Files.createDirectories(data.resolve("mysql"));
        Files.writeString(data.resolve(".verimail-installing"), ""); // a first start killed while installing
        Files.writeString(data.resolve("mariadbd.pid"), Long.toString(Integer.MAX_VALUE - 7)); // no such process
        db = newDb(data);
        db.start();
        assertThat(query("SELECT 1 + 1")).isEqualTo("2");
        assertThat(data.resolve(".verimail-installing")).doesNotExist();
    }

    @Test
    void refusesADataDirectoryThatAServerOfALiveRunStillUses() {
        Path data = home.resolve("data");
        db = newDb(data);
        db.start();
        EmbeddedMariaDb second = newDb(data);
        assertThatThrownBy(second::start).hasMessageContaining("in use by the server with pid " + db.pid());
        assertThat(db.isRunning()).isTrue();
    }

    private EmbeddedMariaDb newDb(Path data) {
        return new EmbeddedMariaDb(data, EmbeddedMariaDb.freePort(), home.resolve("mariadb.log"),
                List.of("--innodb-buffer-pool-size=32M"));
    }

    private String query(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(db.serverUrl(), db.username(), db.password());
                Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private void execute(String... sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(db.serverUrl(), db.username(), db.password());
                Statement s = c.createStatement()) {
            for (String statement : sql) {
                s.execute(statement);
            }
        }
    }
}
