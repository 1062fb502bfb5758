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
import java.util.stream.Stream;

import dev.verimail.localkafka.LocalKafka;
import dev.verimail.localmariadb.EmbeddedMariaDb;

/**
 * Runs the whole system on one machine with only a JDK. Settings come from the environment:
 * <ul>
 * <li>{@code VERIMAIL_DATA_DIR} (default {@code data}): database files, broker log, service logs; a restart keeps them</li>
 * <li>{@code VERIMAIL_DB_URL}: a MySQL/MariaDB server ({@code jdbc:mariadb://127.0.0.1:3306/}) instead of the embedded
 * MariaDB (a real MariaDB 11.4 with its data in {@code <data>/db}, on {@code VERIMAIL_DB_PORT}, default a free port);
 * the databases {@code registration}, {@code mailer} and {@code verification} are created if missing, as
 * {@code VERIMAIL_DB_USER} (default {@code root}) with {@code VERIMAIL_DB_PASSWORD} (default empty)</li>
 * <li>{@code VERIMAIL_KAFKA_PORT} (default 9092)</li>
 * <li>{@code VERIMAIL_HTTP_PORT} (default 8081): registration-service's port; verification-service and
 * mailer-service take the next two</li>
 * <li>{@code SENDCLOUD_*} and every other variable reach the services unchanged</li>
 * </ul>
 */
public final class LocalStack {

    record Service(String name, int port) {
    }

    private final Path home;
    private final Path data;
    private final Map<String, String> env;
    private final List<Service> services;
    private final List<ServiceProcess> processes = new ArrayList<>();
    private LocalKafka kafka;
    private EmbeddedMariaDb embeddedDb;
    private String dbServer;
    private String dbUser;
    private String dbPassword;

    LocalStack(Path home, Map<String, String> env) {
        this.home = home.toAbsolutePath().normalize();
        this.env = env;
        this.data = this.home.resolve(env.getOrDefault("VERIMAIL_DATA_DIR", "data")).toAbsolutePath().normalize();
        int http = Integer.parseInt(env.getOrDefault("VERIMAIL_HTTP_PORT", "8081"));
        this.services = List.of(
                new Service("registration-service", http),
                new Service("verification-service", http + 1),
                new Service("mailer-service", http + 2));
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
        for (Service service : services) {
            Path jar = ServiceProcess.jarOf(home, service.name());
            if (!Files.exists(jar)) {
                throw new IllegalStateException(jar + " is missing; build first: ./mvnw -B -DskipTests package");
            }
        }
        int kafkaPort = Integer.parseInt(env.getOrDefault("VERIMAIL_KAFKA_PORT", "9092"));
        // unauthenticated on purpose, and said so: a deployment uses SASL/SCRAM and ACLs (docs/security.md, "Kafka: principals
        // and ACLs"); this broker listens on localhost only, for this machine's developer
        say("Starting Kafka (KRaft, in-process) on localhost:" + kafkaPort + ", unauthenticated and without ACLs "
                + "(local only), data in " + data.resolve("kafka"));
        kafka = new LocalKafka(data.resolve("kafka"), kafkaPort, kafkaPort + 1, 6).start();

        String transport = inbox() ? "built-in inbox (MAILER_TRANSPORT=inbox, for development only; set "
                + "MAILER_TRANSPORT=sendcloud and the SENDCLOUD_* variables to send real email)"
                : "MAILER_TRANSPORT=" + env.get("MAILER_TRANSPORT") + " ("
                        + env.getOrDefault("SENDCLOUD_BASE_URL", "https://api.sendcloud.net") + ")";
        say("Database: " + startDatabase() + "; mail: " + transport);
        for (Service service : services) {
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
                  Sign up      http://localhost:%1$d/register
                  Inbox        %2$s
                  API          curl -X POST localhost:%1$d/api/registrations -H 'Content-Type: application/json' \\
                                    -d '{"name":"Ada","email":"ada@example.com"}'
                  Operator     curl -H "Authorization: Bearer $(cat %8$s)" localhost:%9$d/api/deliveries?email=ada@example.com
                  Actuator     http://127.0.0.1:%10$d/actuator/health (and :%11$d, :%12$d)
                  Kafka        localhost:%3$d (unauthenticated, no ACLs: this machine only)
                  Database     %4$s (user %5$s)
                  Logs         %6$s
                Press Ctrl-C to stop; data stays in %7$s.
                """.formatted(services.get(0).port(), inbox() ? "http://localhost:" + services.get(2).port()
                + "/inbox      (the emails the mailer sent; development only)" : "(none: MAILER_TRANSPORT is not inbox)",
                kafkaPort, dbServer, dbUser,
                data.resolve("logs"), data, data.resolve("operator-token"), services.get(2).port(),
                services.get(0).port() + 1000, services.get(1).port() + 1000, services.get(2).port() + 1000));
    }

    /** Services first (they may still write while shutting down), then the database, then the broker. */
    void stop() {
        processes.parallelStream().forEach(ServiceProcess::stop);
        processes.clear();
        if (embeddedDb != null) {
            embeddedDb.stop();
            embeddedDb = null;
        }
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
        // a development machine: every listener on 127.0.0.1 (the actuator is there by default too)
        vars.put("SERVER_ADDRESS", env.getOrDefault("SERVER_ADDRESS", "127.0.0.1"));
        vars.put("MANAGEMENT_SERVER_PORT", Integer.toString(service.port() + 1000));
        vars.put("SPRING_KAFKA_BOOTSTRAP_SERVERS", kafka == null ? "localhost:9092" : kafka.bootstrapServers());
        // the broker takes no credentials: a VERIMAIL_KAFKA_USERNAME of the developer's shell must not reach the services
        for (String credential : List.of("VERIMAIL_KAFKA_USERNAME", "VERIMAIL_KAFKA_PASSWORD", "VERIMAIL_KAFKA_MECHANISM",
                "VERIMAIL_KAFKA_SECURITY_PROTOCOL")) {
            vars.put(credential, "");
        }
        vars.put("SPRING_DATASOURCE_URL", dbServer + database);
        vars.put("SPRING_DATASOURCE_USERNAME", dbUser);
        vars.put("SPRING_DATASOURCE_PASSWORD", dbPassword);
        // the links between the services follow VERIMAIL_HTTP_PORT unless set explicitly
        if (!env.containsKey("MAILER_VERIFICATION_URL")) {
            vars.put("MAILER_VERIFICATION_URL", "http://localhost:" + services.get(1).port() + "/verify");
        }
        if (!env.containsKey("VERIFICATION_REGISTRATION_BASE_URL")) {
            vars.put("VERIFICATION_REGISTRATION_BASE_URL", "http://localhost:" + services.get(0).port());
        }
        if (!env.containsKey(ServiceProcess.LINK_KEY_VARIABLE)) {
            vars.put(ServiceProcess.LINK_KEY_VARIABLE, linkKey());
        }
        if (!env.containsKey(ServiceProcess.SECRET_KEYS_VARIABLE)) {
            vars.put(ServiceProcess.SECRET_KEYS_VARIABLE, secretKeys());
        }
        if (!env.containsKey(ServiceProcess.OPERATOR_TOKENS_VARIABLE)) {
            vars.put(ServiceProcess.OPERATOR_TOKENS_VARIABLE, operatorToken());
        }
        // the one-command local stack is a development machine: the built-in inbox, unless asked for another transport
        if (inbox()) {
            vars.put("MAILER_TRANSPORT", "inbox");
        }
        return vars;
    }

    /** The mailer keeps its emails in the built-in inbox: always, unless MAILER_TRANSPORT says otherwise. */
    private boolean inbox() {
        String transport = env.get("MAILER_TRANSPORT");
        return transport == null || transport.isBlank() || transport.trim().equalsIgnoreCase("inbox");
    }

    /**
     * The link key of this machine's stack, made once and kept in {@code data/link-key} (owner-only), so that links
     * sent before a restart are still recognised after it. A deployment sets {@code VERIMAIL_LINK_KEY} instead.
     */
    private String linkKey() {
        return kept("link-key", ServiceProcess::randomLinkKey);
    }

    /**
     * The key that seals authcodes between registration-service and the mailer, made once and kept in
     * {@code data/secret-keys} (owner-only), so that records sealed before a restart still open after it.
     */
    private String secretKeys() {
        return kept("secret-keys", ServiceProcess::randomLinkKey);
    }

    /** The operator token of this machine's stack, made once and kept in {@code data/operator-token} (owner-only). */
    private String operatorToken() {
        return kept("operator-token", ServiceProcess::randomOperatorToken);
    }

    private synchronized String kept(String name, java.util.function.Supplier<String> make) {
        Path file = data.resolve(name);
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(data);
                Files.writeString(file, make.get());
                try {
                    Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
                }
                catch (UnsupportedOperationException notPosix) {
                    // Windows: the data folder's own permissions apply
                }
            }
            return Files.readString(file).strip();
        }
        catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot keep the " + name + " in " + file, e);
        }
    }

    List<Service> services() {
        return services;
    }

    /**
     * The server at {@code VERIMAIL_DB_URL}, or else the embedded MariaDB on {@code <data>/db}; then the three
     * databases are created if missing. Returns what to tell the user.
     */
    private String startDatabase() {
        String dbUrl = env.get("VERIMAIL_DB_URL");
        String description;
        if (dbUrl == null || dbUrl.isBlank()) {
            Path dir = data.resolve("db");
            warnAboutH2Files(dir);
            int port = env.containsKey("VERIMAIL_DB_PORT") ? Integer.parseInt(env.get("VERIMAIL_DB_PORT"))
                    : EmbeddedMariaDb.freePort();
            say("Starting MariaDB " + EmbeddedMariaDb.VERSION + " (embedded) on 127.0.0.1:" + port + ", data in " + dir);
            embeddedDb = new EmbeddedMariaDb(dir, port, data.resolve("logs").resolve("mariadb.log"), List.of());
            embeddedDb.start();
            dbServer = embeddedDb.serverUrl();
            dbUser = embeddedDb.username();
            dbPassword = embeddedDb.password();
            description = "embedded MariaDB " + EmbeddedMariaDb.VERSION + " at " + dbServer
                    + " (set VERIMAIL_DB_URL to use another MySQL/MariaDB server)";
        }
        else {
            dbServer = serverUrl(dbUrl);
            dbUser = env.getOrDefault("VERIMAIL_DB_USER", "root");
            dbPassword = env.getOrDefault("VERIMAIL_DB_PASSWORD", "");
            description = dbServer + " (databases registration, mailer, verification)";
        }
        try (Connection connection = DriverManager.getConnection(dbServer, dbUser, dbPassword);
                Statement statement = connection.createStatement()) {
            for (Service service : services) {
                statement.execute("CREATE DATABASE IF NOT EXISTS " + service.name().replace("-service", "")
                        + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
            }
        }
        catch (SQLException e) {
            throw new IllegalStateException("cannot reach the database at " + dbServer + ": " + e.getMessage(), e);
        }
        return description;
    }

    /** Earlier versions kept H2 files in {@code data/db}; they are not read any more and nothing migrates them. */
    private static void warnAboutH2Files(Path dir) {
        try (Stream<Path> files = Files.isDirectory(dir) ? Files.list(dir) : Stream.empty()) {
            if (files.anyMatch(f -> f.getFileName().toString().endsWith(".mv.db"))) {
                say("Note: " + dir + " holds H2 files (*.mv.db) of an earlier version; verimail now runs MariaDB and "
                        + "ignores them (delete them, or the whole data folder, to start clean)");
            }
        }
        catch (IOException e) {
            // only a hint
        }
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
