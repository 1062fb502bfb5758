package dev.verimail.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.verimail.localkafka.ChildProcesses;

/**
 * One verimail service running as a child JVM from its executable jar, with its log in a file. Used by the local
 * stack, the end-to-end tests and the benchmark, which all need the services as separate processes: three Spring
 * Boot apps cannot share one classpath (each has its own {@code application.yml}).
 */
public final class ServiceProcess {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final int port;
    private final int managementPort;
    private final Path jar;
    private final Path log;
    private final List<String> jvmOptions;
    private final Map<String, String> environment;

    /** registration-service and verification-service must share the link key: the services of one JVM's stack do. */
    static final String LINK_KEY_VARIABLE = "VERIMAIL_LINK_KEY";
    private static final String STACK_LINK_KEY = randomLinkKey();
    /**
     * registration-service seals authcodes with {@code VERIMAIL_SECRET_KEYS}, the mailer opens them: the services of
     * one JVM's stack share a random key. verification-service never holds it (it gets only the authcode's hash).
     */
    static final String SECRET_KEYS_VARIABLE = "VERIMAIL_SECRET_KEYS";
    private static final String STACK_SECRET_KEYS = randomLinkKey();
    /** The operator token of the services of one JVM's stack, unless the environment brings its own. */
    static final String OPERATOR_TOKENS_VARIABLE = "VERIMAIL_OPERATOR_TOKENS";
    private static final String STACK_OPERATOR_TOKEN = randomOperatorToken();
    private Process process;

    public ServiceProcess(String name, int port, Path jar, Path log, List<String> jvmOptions, Map<String, String> environment) {
        this.name = name;
        this.port = port;
        String management = environment.get("MANAGEMENT_SERVER_PORT");
        this.managementPort = management != null ? Integer.parseInt(management) : dev.verimail.localkafka.LocalKafka.stablePort();
        this.jar = jar;
        this.log = log;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.environment = Map.copyOf(environment);
    }

    /** The executable jar of {@code service} in a built checkout at {@code repository}. */
    public static Path jarOf(Path repository, String service) {
        return repository.resolve(service).resolve("target").resolve(service + "-0.1.0-SNAPSHOT.jar");
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    public String baseUrl() {
        return "http://localhost:" + port;
    }

    /** The actuator (health, metrics, dead-letter replay): the management port, on 127.0.0.1. */
    public int managementPort() {
        return managementPort;
    }

    public String managementUrl() {
        return "http://127.0.0.1:" + managementPort;
    }

    /** The operator token this service accepts ({@code Authorization: Bearer ...}). */
    public String operatorToken() {
        String configured = environment.get(OPERATOR_TOKENS_VARIABLE);
        return configured != null ? configured.split(",")[0].strip() : STACK_OPERATOR_TOKEN;
    }

    public Path log() {
        return log;
    }

    public synchronized ServiceProcess start() {
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing; build it first: ./mvnw -B -DskipTests package");
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar.toString());
        try {
            Files.createDirectories(log.getParent());
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().putAll(environment);
            builder.environment().putIfAbsent(LINK_KEY_VARIABLE, STACK_LINK_KEY);
            builder.environment().putIfAbsent(OPERATOR_TOKENS_VARIABLE, STACK_OPERATOR_TOKEN);
            if (jar.getFileName().toString().startsWith("verification-service")) {
                builder.environment().remove(SECRET_KEYS_VARIABLE);
            }
            else {
                builder.environment().putIfAbsent(SECRET_KEYS_VARIABLE, STACK_SECRET_KEYS);
            }
            builder.environment().put("SERVER_PORT", Integer.toString(port));
            builder.environment().put("MANAGEMENT_SERVER_PORT", Integer.toString(managementPort));
            process = builder.start();
            return this;
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until {@code /actuator/health/readiness} answers 200; fails with the end of the log if it dies or times out. */
    public void awaitReady(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (!ready()) {
            if (process == null || !process.isAlive()) {
                throw new IllegalStateException(name + " exited" + (process == null ? "" : " with status " + process.exitValue())
                        + ". Last lines of " + log + ":\n" + tail(40));
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException(name + " not ready after " + timeout + ". Last lines of " + log + ":\n" + tail(40));
            }
            try {
                Thread.sleep(250);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    public boolean ready() {
        if (process != null && !process.isAlive()) {
            return false; // a 200 on its port would be another process's (awaitReady then says it exited)
        }
        try {
            HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(URI.create(managementUrl() + "/actuator/health/readiness"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        }
        catch (IOException e) {
            return false;
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** SIGTERM: graceful shutdown, as an orchestrator stops a service. */
    public synchronized void stop() {
        if (process != null) {
            ChildProcesses.stop(process, Duration.ofSeconds(30));
            process = null;
        }
    }

    /** SIGKILL: the process dies at once, as in a crash. */
    public synchronized void kill() {
        if (process != null) {
            ChildProcesses.kill(process);
            process = null;
        }
    }

    public String tail(int lines) {
        try (Stream<String> all = Files.lines(log)) {
            List<String> list = all.toList();
            return String.join("\n", list.subList(Math.max(0, list.size() - lines), list.size()));
        }
        catch (IOException | RuntimeException e) {
            return "(no log)";
        }
    }

    /** {@code 1:<32 random bytes, Base64>}, the format of {@code VERIMAIL_LINK_KEY} and {@code VERIMAIL_SECRET_KEYS}. */
    static String randomLinkKey() {
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        return "1:" + java.util.Base64.getEncoder().encodeToString(key);
    }

    /** 32 random bytes, URL-safe Base64 (43 characters). */
    static String randomOperatorToken() {
        byte[] token = new byte[32];
        new java.security.SecureRandom().nextBytes(token);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(token);
    }
}
