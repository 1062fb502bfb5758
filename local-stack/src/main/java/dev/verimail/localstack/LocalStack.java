package dev.verimail.localstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import dev.verimail.localkafka.LocalKafka;

/**
 * Runs the whole system on one machine with only a JDK. Settings come from the environment:
 * <ul>
 * <li>{@code VERIMAIL_DATA_DIR} (default {@code data}): database files, broker log, service logs; a restart keeps them</li>
 * <li>{@code VERIMAIL_DB_URL}: a MySQL/MariaDB server ({@code jdbc:mariadb://127.0.0.1:3306/}) instead of the embedded
 * H2 files; the databases {@code registration}, {@code mailer} and {@code verification} are created if missing,
 * as {@code VERIMAIL_DB_USER} (default {@code root}) with {@code VERIMAIL_DB_PASSWORD} (default empty)</li>
 * <li>{@code VERIMAIL_KAFKA_PORT} (default 9092)</li>
 * <li>{@code SENDCLOUD_*} and every other variable reach the services unchanged</li>
 * </ul>
 */
public final class LocalStack {

    record Service(String name, int port) {
    }

    static final List<Service> SERVICES = List.of(
            new Service("registration-service", 8081),
            new Service("verification-service", 8082),
            new Service("mailer-service", 8083));

    private final Path home;
    private final Path data;
    private final Map<String, String> env;
    private final List<ServiceProcess> processes = new ArrayList<>();
    private LocalKafka kafka;

    LocalStack(Path home, Map<String, String> env) {
        this.home = home.toAbsolutePath().normalize();
        this.env = env;
        this.data = this.home.resolve(env.getOrDefault("VERIMAIL_DATA_DIR", "data")).toAbsolutePath().normalize();
    }

    public static void main(String[] args) throws Exception {
        LocalStack stack = new LocalStack(Path.of(System.getProperty("verimail.home", ".")), System.getenv());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stack.stop();
            stopped.countDown();
        }, "stop-local-stack"));
        try {
            stack.start();
        }
        catch (RuntimeException e) {
            System.err.println();
            System.err.println("verimail could not start: " + e.getMessage());
            System.exit(1);
        }
        stopped.await();
    }

    void start() throws IOException, InterruptedException {
        Files.createDirectories(data.resolve("logs"));
        for (Service service : SERVICES) {
            Path jar = ServiceProcess.jarOf(home, service.name());
            if (!Files.exists(jar)) {
                throw new IllegalStateException(jar + " is missing; build first: ./mvnw -B -DskipTests package");
            }
        }
        int kafkaPort = Integer.parseInt(env.getOrDefault("VERIMAIL_KAFKA_PORT", "9092"));
        say("Starting Kafka (KRaft, in-process) on localhost:" + kafkaPort + ", data in " + data.resolve("kafka"));
        kafka = new LocalKafka(data.resolve("kafka"), kafkaPort, kafkaPort + 1, 6).start();

        String transport = env.containsKey("SENDCLOUD_API_USER") && env.containsKey("SENDCLOUD_API_KEY")
                ? "SendCloud (" + env.getOrDefault("SENDCLOUD_BASE_URL", "https://api.sendcloud.net") + ")"
                : "built-in inbox (no SENDCLOUD_API_USER / SENDCLOUD_API_KEY set)";
        say("Database: " + describeDatabase() + "; mail: " + transport);
        for (Service service : SERVICES) {
            say("Starting " + service.name() + " on http://localhost:" + service.port());
            processes.add(new ServiceProcess(service.name(), service.port(), ServiceProcess.jarOf(home, service.name()),
                    data.resolve("logs").resolve(service.name() + ".log"),
                    List.of(env.getOrDefault("VERIMAIL_SERVICE_JAVA_OPTS", "-Xms64m -Xmx384m -XX:+UseSerialGC").trim().split("\\s+")),
                    serviceEnvironment(service)).start());
        }
        Duration timeout = Duration.ofSeconds(Long.parseLong(env.getOrDefault("VERIMAIL_START_TIMEOUT_SECONDS", "240")));
        for (ServiceProcess process : processes) {
            process.awaitReady(timeout);
            say(process.name() + " is ready");
        }
        System.out.println("""

                verimail is running. Open:
                  Sign up      http://localhost:8081/register
                  Inbox        http://localhost:8083/inbox      (the emails the mailer sent)
                  API          curl -X POST localhost:8081/api/registrations -H 'Content-Type: application/json' \\
                                    -d '{"name":"Ada","email":"ada@example.com"}'
                  Kafka        localhost:%d
                  Logs         %s
                Press Ctrl-C to stop; data stays in %s.
                """.formatted(kafkaPort, data.resolve("logs"), data));
    }

    void stop() {
        processes.parallelStream().forEach(ServiceProcess::stop);
        processes.clear();
        if (kafka != null) {
            kafka.stop();
            kafka = null;
            say("Stopped.");
        }
    }

    Map<String, String> serviceEnvironment(Service service) {
        Map<String, String> vars = new LinkedHashMap<>();
        String database = service.name().replace("-service", "");
        vars.put("SERVER_PORT", Integer.toString(service.port()));
        vars.put("SPRING_KAFKA_BOOTSTRAP_SERVERS", kafka == null ? "localhost:9092" : kafka.bootstrapServers());
        String dbUrl = env.get("VERIMAIL_DB_URL");
        if (dbUrl == null || dbUrl.isBlank()) {
            vars.put("SPRING_DATASOURCE_URL", "jdbc:h2:file:" + data.resolve("db").resolve(database)
                    + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH");
            vars.put("SPRING_DATASOURCE_USERNAME", "sa");
            vars.put("SPRING_DATASOURCE_PASSWORD", "");
        }
        else {
            vars.put("SPRING_DATASOURCE_URL", serverUrl(dbUrl) + database);
            vars.put("SPRING_DATASOURCE_USERNAME", env.getOrDefault("VERIMAIL_DB_USER", "root"));
            vars.put("SPRING_DATASOURCE_PASSWORD", env.getOrDefault("VERIMAIL_DB_PASSWORD", ""));
        }
        return vars;
    }

    private String describeDatabase() {
        String dbUrl = env.get("VERIMAIL_DB_URL");
        if (dbUrl == null || dbUrl.isBlank()) {
            return "embedded H2 files in " + data.resolve("db") + " (set VERIMAIL_DB_URL to use MySQL/MariaDB)";
        }
        String server = serverUrl(dbUrl);
        try (Connection connection = DriverManager.getConnection(server, env.getOrDefault("VERIMAIL_DB_USER", "root"),
                env.getOrDefault("VERIMAIL_DB_PASSWORD", ""));
                Statement statement = connection.createStatement()) {
            for (Service service : SERVICES) {
                statement.execute("CREATE DATABASE IF NOT EXISTS " + service.name().replace("-service", "")
                        + " CHARACTER SET utf8mb4");
            }
        }
        catch (SQLException e) {
            throw new IllegalStateException("cannot reach the database at " + server + ": " + e.getMessage(), e);
        }
        return server + " (databases registration, mailer, verification)";
    }

    private static String serverUrl(String url) {
        String base = url.contains("?") ? url.substring(0, url.indexOf('?')) : url;
        int slash = base.indexOf('/', base.indexOf("//") + 2);
        return (slash < 0 ? base : base.substring(0, slash)) + "/";
    }

    private static void say(String message) {
        System.out.println("[verimail] " + message);
    }
}
