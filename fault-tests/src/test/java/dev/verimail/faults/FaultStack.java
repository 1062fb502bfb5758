package dev.verimail.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.zip.ZipFile;

import dev.verimail.localstack.ServiceProcess;
import dev.verimail.testbed.DatabaseCoordinates;
import dev.verimail.testbed.KafkaBrokerProcess;

/**
 * The whole system for one test class, built to be broken: a Kafka broker in a child JVM (stop and start it on the
 * same port and data), one database per service (on the shared test server, or on a {@link PrivateMariaDb}), the
 * SendCloud stand-in, and {@code instances} copies of each service as separate JVMs from their built jars
 * (instances share the databases and the consumer groups, each on ports of its own). Schedules are short: quick
 * retries within about a second, re-drives every second, a 15 s lease.
 */
final class FaultStack implements AutoCloseable {

    static final Duration READY = Duration.ofMinutes(6);
    private static final List<String> JVM = List.of("-Xms64m", "-Xmx320m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-Xss512k");
    private static final Set<String> COPIED = ConcurrentHashMap.newKeySet();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** The databases of the three services. */
    record Databases(DatabaseCoordinates registration, DatabaseCoordinates verification, DatabaseCoordinates mailer) {

        static Databases create(Function<String, DatabaseCoordinates> create) {
            return new Databases(create.apply("registration"), create.apply("verification"), create.apply("mailer"));
        }
    }

    final Path repository;
    final Path logs;
    final KafkaBrokerProcess kafka;
    final SendCloudLedger sendCloud;
    final Databases db;
    final List<ServiceProcess> registrations = new ArrayList<>();
    final List<ServiceProcess> verifications = new ArrayList<>();
    final List<ServiceProcess> mailers = new ArrayList<>();
    private final Map<String, Integer> restarts = new HashMap<>();
    /** On top of every mailer's environment, e.g. another transport ({@link SmtpLedger#mailerEnvironment()}). */
    private final Map<String, String> mailerOverrides;

    private FaultStack(String name, Databases db, Map<String, String> mailerOverrides) {
        this.mailerOverrides = Map.copyOf(mailerOverrides);
        this.repository = Path.of(System.getProperty("verimail.repository", "..")).toAbsolutePath().normalize();
        this.logs = repository.resolve("fault-tests").resolve("target").resolve("stack-logs").resolve(name);
        this.db = db;
        this.sendCloud = new SendCloudLedger();
        // as docker compose runs it: SASL/SCRAM and ACLs, each service logged in as its own principal
        this.kafka = KafkaBrokerProcess.secured(KafkaBrokerProcess.freePort(), logs.resolve("kafka"));
    }

    /** Starts the broker and {@code instances} copies of each service; the mailers use the good SendCloud key. */
    static FaultStack start(String name, Databases db, int instances) {
        return start(name, db, instances, Map.of());
    }

    /** As {@link #start(String, Databases, int)}, the mailers with {@code mailer} on top of their environment. */
    static FaultStack start(String name, Databases db, int instances, Map<String, String> mailer) {
        FaultStack stack = new FaultStack(name, db, mailer);
        try {
            deleteLogs(stack.logs);
            stack.kafka.start();
            for (int i = 0; i < instances; i++) {
                int registrationPort = KafkaBrokerProcess.freePort();
                int verificationPort = KafkaBrokerProcess.freePort();
                int mailerPort = KafkaBrokerProcess.freePort();
                // the scenarios' load comes from this one machine: no per-client limit
                stack.registrations.add(stack.service("registration-service", i, registrationPort, db.registration(),
                        Map.of("REGISTRATION_LIMITS_PER_CLIENT", "off")));
                stack.verifications.add(stack.service("verification-service", i, verificationPort, db.verification(),
                        Map.of("VERIFICATION_REGISTRATION_BASE_URL", "http://localhost:" + registrationPort)));
                stack.mailers.add(stack.service("mailer-service", i, mailerPort, db.mailer(),
                        stack.mailerEnvironment(verificationPort, stack.mailerOverrides)));
            }
            List<ServiceProcess> all = stack.all();
            all.forEach(ServiceProcess::start);
            all.forEach(s -> s.awaitReady(READY));
            return stack;
        }
        catch (RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    ServiceProcess registration() {
        return registrations.get(0);
    }

    ServiceProcess verification() {
        return verifications.get(0);
    }

    ServiceProcess mailer() {
        return mailers.get(0);
    }

    List<String> registrationUrls() {
        return registrations.stream().map(ServiceProcess::baseUrl).toList();
    }

    /**
     * Replaces mailer {@code instance} (already stopped or killed) by a new process on the same port and database,
     * with {@code overrides} on top of its environment (e.g. another SendCloud key), and waits until it is ready.
     */
    ServiceProcess restartMailer(int instance, Map<String, String> overrides) {
        ServiceProcess old = mailers.get(instance);
        if (old.isAlive()) {
            throw new IllegalStateException("stop or kill " + old.name() + " first");
        }
        int verificationPort = verifications.get(instance).port();
        Map<String, String> environment = new HashMap<>(mailerOverrides);
        environment.putAll(overrides);
        ServiceProcess mailer = service("mailer-service", instance, old.port(), db.mailer(),
                mailerEnvironment(verificationPort, environment));
        mailers.set(instance, mailer);
        mailer.start().awaitReady(READY);
        return mailer;
    }

    /** Starts a stopped verification instance again on the same port. */
    void restartVerification(int instance) {
        ServiceProcess old = verifications.get(instance);
        ServiceProcess verification = service("verification-service", instance, old.port(), db.verification(),
                Map.of("VERIFICATION_REGISTRATION_BASE_URL", registrations.get(instance).baseUrl()));
        verifications.set(instance, verification);
        verification.start().awaitReady(READY);
    }

    private Map<String, String> mailerEnvironment(int verificationPort, Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>();
        env.put("MAILER_VERIFICATION_URL", "http://localhost:" + verificationPort + "/verify");
        env.put("MAILER_TRANSPORT", "sendcloud");
        env.put("SENDCLOUD_BASE_URL", sendCloud.baseUrl());
        // the stand-in speaks plain http on 127.0.0.1
        env.put("SENDCLOUD_ALLOW_HTTP", "true");
        env.put("SENDCLOUD_API_USER", "verimail-fault");
        env.put("SENDCLOUD_API_KEY", SendCloudLedger.GOOD_KEY);
        env.put("SENDCLOUD_TEMPLATE", "verimail_verify");
        env.put("SENDCLOUD_FROM", "no-reply@verimail.dev");
        env.put("SENDCLOUD_FROM_NAME", "Verimail");
        env.put("SENDCLOUD_TIMEOUT", "PT2S");
        env.put("SENDCLOUD_CONNECT_TIMEOUT", "PT1S");
        env.put("MAILER_SEND_CONCURRENCY", "16");
        env.put("MAILER_RETRY_MAX_ATTEMPTS", "3");
        env.put("MAILER_RETRY_INITIAL_INTERVAL", "PT0.2S");
        env.put("MAILER_RETRY_MAX_INTERVAL", "PT0.5S");
        env.put("MAILER_REDRIVE_INTERVAL", "PT1S");
        env.put("MAILER_REDRIVE_INITIAL_DELAY", "PT2S");
        env.put("MAILER_REDRIVE_MAX_DELAY", "PT8S");
        env.put("MAILER_REDRIVE_LEASE", "PT15S");
        env.putAll(overrides);
        return env;
    }

    private ServiceProcess service(String name, int instance, int port, DatabaseCoordinates database,
            Map<String, String> extra) {
        Map<String, String> env = new HashMap<>();
        env.put("SPRING_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("VERIMAIL_OUTBOX_POLL_INTERVAL", "200ms");
        // up to six services share one database server with other builds: 8 connections each instead of 20
        env.put("SPRING_DATASOURCE_HIKARI_MAXIMUM_POOL_SIZE", "8");
        // a killed consumer's partitions move to the others after 10 s instead of Kafka's default 45 s
        env.put("SPRING_APPLICATION_JSON", "{\"spring\":{\"kafka\":{\"consumer\":{\"properties\":"
                + "{\"session.timeout.ms\":\"10000\",\"heartbeat.interval.ms\":\"2000\"}}}}}");
        env.put("SPRING_DATASOURCE_URL", database.url());
        env.put("SPRING_DATASOURCE_USERNAME", database.username());
        env.put("SPRING_DATASOURCE_PASSWORD", database.password());
        env.putAll(kafka.credentials(name.replace("-service", "")));
        env.putAll(extra);
        String key = name + "-" + (instance + 1);
        int run = restarts.merge(key, 1, Integer::sum);
        Path log = logs.resolve(key + (run == 1 ? "" : "-run" + run) + ".log");
        return new ServiceProcess(key, port, jar(name), log, JVM, env);
    }

    /**
     * A private copy of the service's built jar, taken once per test run: a JVM reads its jar lazily, so a rebuild
     * of the module while the stack runs (a parallel build on the same checkout) would break the running services.
     */
    private synchronized Path jar(String service) {
        // one folder per test JVM: the fault test classes run in parallel forks, each with its own stack
        Path copy = repository.resolve("fault-tests").resolve("target").resolve("service-jars")
                .resolve(Long.toString(ProcessHandle.current().pid())).resolve(service + ".jar");
        if (COPIED.add(service)) {
            Path built = ServiceProcess.jarOf(repository, service);
            if (!Files.exists(built)) {
                throw new IllegalStateException(built + " is missing; build it first: ./mvnw -B -DskipTests package");
            }
            try {
                Files.createDirectories(copy.getParent());
                Files.copy(built, copy, StandardCopyOption.REPLACE_EXISTING);
                for (int attempt = 1; !completeJar(copy); attempt++) {
                    if (attempt == 10) {
                        throw new IllegalStateException(built + " is not a complete jar (is a build writing it?)");
                    }
                    Thread.sleep(1_000);
                    Files.copy(built, copy, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return copy;
    }

    private static boolean completeJar(Path jar) {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            return zip.getEntry("META-INF/MANIFEST.MF") != null;
        }
        catch (IOException e) {
            return false;
        }
    }

    List<ServiceProcess> all() {
        List<ServiceProcess> all = new ArrayList<>(registrations);
        all.addAll(verifications);
        all.addAll(mailers);
        return all;
    }

    /** One number from a query, e.g. {@code SELECT COUNT(*) ...}. */
    static long count(DatabaseCoordinates database, String sql, Object... args) {
        List<List<Object>> rows = query(database, sql, args);
        return rows.isEmpty() ? 0 : ((Number) rows.get(0).get(0)).longValue();
    }

    static List<List<Object>> query(DatabaseCoordinates database, String sql, Object... args) {
        try (Connection c = DriverManager.getConnection(database.url(), database.username(), database.password());
                PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            List<List<Object>> rows = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                int columns = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    List<Object> row = new ArrayList<>();
                    for (int i = 1; i <= columns; i++) {
                        row.add(rs.getObject(i));
                    }
                    rows.add(row);
                }
            }
            return rows;
        }
        catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** The sum of a Prometheus metric over all its series on {@code service} (0 when absent). */
    static double metric(ServiceProcess service, String name, String labelFilter) {
        double sum = 0;
        for (String line : get(service.managementUrl() + "/actuator/prometheus").body().split("\n")) {
            if ((line.startsWith(name + "{") || line.startsWith(name + " ")) && line.contains(labelFilter)) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    static HttpResponse<String> get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).GET());
    }

    /** A POST to an operator API of {@code service}, with its operator token. */
    static HttpResponse<String> postAsOperator(ServiceProcess service, String path) {
        return send(HttpRequest.newBuilder(URI.create(service.baseUrl() + path)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + service.operatorToken()).POST(HttpRequest.BodyPublishers.noBody()));
    }

    static HttpResponse<String> post(String url, String contentType, String body) {
        return send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void deleteLogs(Path logs) {
        try {
            if (Files.isDirectory(logs)) {
                try (var files = Files.walk(logs)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        all().parallelStream().forEach(ServiceProcess::stop);
        kafka.stop();
        sendCloud.close();
    }
}
