package dev.verimail.localkafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;

/**
 * One Kafka broker in this JVM. {@link #start()} formats the data directory the first time (KRaft needs a cluster
 * id on disk) and then starts the broker; {@link #stop()} shuts it down cleanly. Starting again on the same
 * directory keeps all data.
 * <p>
 * Run it as its own process with {@code java -cp ... dev.verimail.localkafka.LocalKafka --port 9092 --dir data/kafka}.
 */
public final class LocalKafka implements AutoCloseable {

    private final Path dataDir;
    private final int port;
    private final int controllerPort;
    private final int partitions;
    private KafkaRaftServer server;

    public LocalKafka(Path dataDir, int port, int controllerPort, int partitions) {
        this.dataDir = dataDir.toAbsolutePath();
        this.port = port;
        this.controllerPort = controllerPort;
        this.partitions = partitions;
    }

    public String bootstrapServers() {
        return "localhost:" + port;
    }

    public Path dataDir() {
        return dataDir;
    }

    public synchronized LocalKafka start() {
        if (server != null) {
            return this;
        }
        Properties config = config();
        Path logDir = dataDir.resolve("log");
        try {
            Files.createDirectories(logDir);
            Path file = dataDir.resolve("server.properties");
            try (Writer out = Files.newBufferedWriter(file)) {
                config.store(out, "verimail local Kafka broker (KRaft, single node)");
            }
            if (!Files.exists(logDir.resolve("meta.properties"))) {
                ByteArrayOutputStream output = new ByteArrayOutputStream();
                int status = StorageTool.execute(new String[] { "format", "-t", Uuid.randomUuid().toString(),
                        "-c", file.toString(), "--ignore-formatted" },
                        new PrintStream(output, true, StandardCharsets.UTF_8));
                if (status != 0) {
                    throw new IllegalStateException("Formatting Kafka storage in " + logDir + " failed: " + output);
                }
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        KafkaRaftServer raft = new KafkaRaftServer(KafkaConfig.fromProps(config), Time.SYSTEM);
        raft.startup();
        server = raft;
        awaitReady(Duration.ofSeconds(60));
        return this;
    }

    public synchronized void stop() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    private Properties config() {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.voters", "1@localhost:" + controllerPort);
        p.setProperty("listeners", "PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://localhost:" + port);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("log.dirs", dataDir.resolve("log").toString());
        p.setProperty("num.partitions", Integer.toString(partitions));
        p.setProperty("auto.create.topics.enable", "true");
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "6");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        p.setProperty("log.retention.hours", "168");
        return p;
    }

    private void awaitReady(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000))) {
            while (true) {
                try {
                    admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
                    return;
                }
                catch (Exception e) {
                    if (Instant.now().isAfter(deadline)) {
                        throw new IllegalStateException("Kafka on " + bootstrapServers() + " not ready after " + timeout, e);
                    }
                    try {
                        Thread.sleep(200);
                    }
                    catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(interrupted);
                    }
                }
            }
        }
    }

    /**
     * A free port below the kernel's ephemeral range (32768-60999 on Linux): a process that is stopped and started
     * again (the broker of an outage test, a restarted service or database) must get its port back, and a port of the
     * ephemeral range can be taken meanwhile by any outgoing connection on the machine (seen: a broker that could not
     * come back after a 3-minute outage because a client socket held its port).
     */
    public static int stablePort() {
        for (int attempt = 0; attempt < 500; attempt++) {
            int candidate = 20_000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(12_000);
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(false);
                socket.bind(new java.net.InetSocketAddress(candidate));
                return candidate;
            }
            catch (IOException taken) {
                // another one
            }
        }
        return freePort();
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code --port 9092 --controller-port 9093 --dir data/kafka --partitions 6}; runs until killed. */
    public static void main(String[] args) throws InterruptedException {
        int port = 9092;
        int controllerPort = -1;
        int partitions = 6;
        Path dir = Path.of("data", "kafka");
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--controller-port" -> controllerPort = Integer.parseInt(args[i + 1]);
                case "--dir" -> dir = Path.of(args[i + 1]);
                case "--partitions" -> partitions = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("Unknown option " + args[i]);
            }
        }
        LocalKafka kafka = new LocalKafka(dir, port, controllerPort > 0 ? controllerPort : freePort(), partitions);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            kafka.stop();
            stopped.countDown();
        }, "stop-kafka"));
        kafka.start();
        System.out.println("Kafka ready on " + kafka.bootstrapServers() + " (data in " + kafka.dataDir() + ")");
        stopped.await();
    }
}
