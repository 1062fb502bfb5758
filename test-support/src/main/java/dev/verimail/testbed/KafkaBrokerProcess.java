package dev.verimail.testbed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import dev.verimail.localkafka.ChildProcesses;
import dev.verimail.localkafka.LocalKafka;

/**
 * A real Kafka broker ({@link LocalKafka}: KRaft, one node) in a child JVM, from the Kafka jars on this JVM's
 * classpath. Unlike the in-process test broker it listens on a port chosen up front and can be stopped,
 * killed and started again on the same data, so tests can take Kafka away and bring it back.
 */
public final class KafkaBrokerProcess implements AutoCloseable {

    private final Path dataDir;
    private final int port;
    private final int controllerPort;
    private final boolean secured;
    private Process process;

    private KafkaBrokerProcess(Path dataDir, int port, int controllerPort, boolean secured) {
        this.dataDir = dataDir;
        this.port = port;
        this.controllerPort = controllerPort;
        this.secured = secured;
    }

    /** A broker that will listen on {@code port} (the controller on a free port) and keep its log in {@code dataDir}. */
    public static KafkaBrokerProcess on(int port, Path dataDir) {
        return new KafkaBrokerProcess(dataDir, port, freePort(), false);
    }

    /**
     * As {@link #on}, but with SASL/SCRAM clients and ACLs as docker compose runs it ({@code LocalKafka --secured}):
     * the principals of {@link dev.verimail.localkafka.KafkaAccess#verimail()} with the test passwords of
     * {@link SecuredKafkaTestBed}; {@link #client} logs a test client in.
     */
    public static KafkaBrokerProcess secured(int port, Path dataDir) {
        return new KafkaBrokerProcess(dataDir, port, freePort(), true);
    }

    /** Client properties (bootstrap servers and, on a secured broker, the SASL login of {@code user}). */
    public Map<String, Object> client(String user) {
        return secured ? SecuredKafkaTestBed.clientProperties(bootstrapServers(), user)
                : Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    }

    /** The environment of a service that logs in as {@code principal} (nothing on an unauthenticated broker). */
    public Map<String, String> credentials(String principal) {
        return secured ? Map.of("VERIMAIL_KAFKA_USERNAME", principal,
                "VERIMAIL_KAFKA_PASSWORD", SecuredKafkaTestBed.PASSWORDS.get(principal)) : Map.of();
    }

    public long pid() {
        return process == null ? -1 : process.pid();
    }

    public String bootstrapServers() {
        return "localhost:" + port;
    }

    /** Starts the broker (formatting its storage the first time) and waits until it answers. */
    public synchronized KafkaBrokerProcess start() {
        try {
            Files.createDirectories(dataDir);
            List<String> args = new ArrayList<>(List.of("--port", Integer.toString(port),
                    "--controller-port", Integer.toString(controllerPort), "--dir", dataDir.toString()));
            if (secured) {
                args.add("--secured");
            }
            ProcessBuilder builder = java(LocalKafka.class.getName(), args.toArray(String[]::new));
            if (secured) {
                builder.environment().put("KAFKA_ADMIN_PASSWORD", SecuredKafkaTestBed.ADMIN_PASSWORD);
                SecuredKafkaTestBed.PASSWORDS.forEach((user, password) -> builder.environment()
                        .put("KAFKA_" + user.toUpperCase(java.util.Locale.ROOT) + "_PASSWORD", password));
            }
            process = builder
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve("broker.log").toFile()))
                    .redirectErrorStream(true).start();
            Runtime.getRuntime().addShutdownHook(new Thread(this::kill, "kill-kafka-" + port));
            awaitReady(Duration.ofSeconds(90));
            if (secured) {
                SecuredKafkaTestBed.createTopics(client(dev.verimail.localkafka.KafkaAccess.ADMIN));
            }
            return this;
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops the broker the way an operator would (SIGTERM, controlled shutdown) and waits for it. */
    public synchronized void stop() {
        if (process != null) {
            ChildProcesses.stop(process, Duration.ofSeconds(60));
            process = null;
        }
    }

    /** Kills the broker at once (SIGKILL), as a crash would. */
    public synchronized void kill() {
        if (process != null) {
            ChildProcesses.kill(process);
            process = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    private ProcessBuilder java(String mainClass, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xms64m");
        command.add("-Xmx256m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(List.of(args));
        return new ProcessBuilder(command);
    }

    private void awaitReady(Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        Map<String, Object> config = new java.util.HashMap<>(client(dev.verimail.localkafka.KafkaAccess.ADMIN));
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
        try (Admin admin = Admin.create(config)) {
            while (true) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("Kafka exited with " + process.exitValue() + "; see " + dataDir.resolve("broker.log"));
                }
                try {
                    admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
                    // secured: the broker answers before its main has created the users and ACLs
                    if (!secured || admin.describeAcls(org.apache.kafka.common.acl.AclBindingFilter.ANY).values()
                            .get(3, TimeUnit.SECONDS).size() >= dev.verimail.localkafka.KafkaAccess.verimail()
                                    .aclBindings().size()) {
                        return;
                    }
                    Thread.sleep(200);
                }
                catch (Exception e) {
                    if (Instant.now().isAfter(deadline)) {
                        throw new IllegalStateException("Kafka not ready after " + timeout + "; see " + dataDir.resolve("broker.log"), e);
                    }
                    Thread.sleep(200);
                }
            }
        }
    }

    /** A free port that a restarted process can get back: {@link LocalKafka#stablePort()}. */
    public static int freePort() {
        return LocalKafka.stablePort();
    }
}
