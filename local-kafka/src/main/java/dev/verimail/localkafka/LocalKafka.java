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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.config.SaslConfigs;
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
 * <p>
 * Unauthenticated (plaintext, no ACLs) unless made with {@link #secured}: then clients authenticate with SASL/SCRAM
 * ({@value #MECHANISM}) on the client listener, every request is checked by the {@code StandardAuthorizer} with
 * {@code allow.everyone.if.no.acl.found=false}, and the super user {@value KafkaAccess#ADMIN} (its SCRAM credential
 * written when the storage is formatted) creates the other users and their ACLs: {@link #createUser},
 * {@link #createAcls}, or {@link #grant} for a whole {@link KafkaAccess} policy.
 */
public final class LocalKafka implements AutoCloseable {

    private final Path dataDir;
    private final int port;
    private final int controllerPort;
    private final int partitions;
    /** The super user's password; {@code null}: unauthenticated, no ACLs. */
    private final String adminPassword;
    private KafkaRaftServer server;

    /** SASL mechanism of the secured client listener. */
    public static final String MECHANISM = "SCRAM-SHA-256";

    public LocalKafka(Path dataDir, int port, int controllerPort, int partitions) {
        this(dataDir, port, controllerPort, partitions, null);
    }

    private LocalKafka(Path dataDir, int port, int controllerPort, int partitions, String adminPassword) {
        this.dataDir = dataDir.toAbsolutePath();
        this.port = port;
        this.controllerPort = controllerPort;
        this.partitions = partitions;
        this.adminPassword = adminPassword;
    }

    /**
     * A broker whose clients must authenticate (SASL_PLAINTEXT, {@value #MECHANISM}) and whose every request is
     * checked against ACLs, nothing being allowed without one. {@code admin} (super user, password
     * {@code adminPassword}) is the only user at first: its credential is written when the data directory is
     * formatted, so a directory formatted unauthenticated keeps no admin (use a fresh one). The controller listener
     * (same JVM) takes SASL/PLAIN with the same admin password. The broker's configuration, admin password included,
     * is written to {@code server.properties} in the data directory: keep that directory private.
     */
    public static LocalKafka secured(Path dataDir, int port, int controllerPort, int partitions, String adminPassword) {
        if (adminPassword == null || adminPassword.isEmpty()) {
            throw new IllegalArgumentException("a secured broker needs an admin password");
        }
        if (adminPassword.matches(".*[,\\[\\]\"\\\\\\s].*")) {
            // the storage tool's --add-scram syntax, [name=admin,password=...], has no escapes (the same rule as
            // docker/kafka/common.sh)
            throw new IllegalArgumentException(
                    "the admin password must not contain commas, brackets, quotes, backslashes or blanks");
        }
        return new LocalKafka(dataDir, port, controllerPort, partitions, adminPassword);
    }

    public boolean isSecured() {
        return adminPassword != null;
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
            if (isSecured()) {
                // it holds the admin password
                try {
                    Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
                }
                catch (UnsupportedOperationException notPosix) {
                    // Windows: the user's own directory is all there is
                }
            }
            if (!Files.exists(logDir.resolve("meta.properties"))) {
                List<String> format = new ArrayList<>(List.of("format", "-t", Uuid.randomUuid().toString(),
                        "-c", file.toString(), "--ignore-formatted"));
                if (isSecured()) {
                    // the super user's SCRAM credential, in the cluster's first metadata
                    format.addAll(List.of("--add-scram", MECHANISM + "=[name=" + KafkaAccess.ADMIN + ",password="
                            + adminPassword + "]"));
                }
                ByteArrayOutputStream output = new ByteArrayOutputStream();
                int status = StorageTool.execute(format.toArray(String[]::new),
                        new PrintStream(output, true, StandardCharsets.UTF_8));
                if (status != 0) {
                    throw new IllegalStateException("Formatting Kafka storage in " + logDir + " failed: "
                            + (isSecured() ? output.toString().replace(adminPassword, "****") : output));
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
        if (isSecured()) {
            // clients and the broker itself (inter-broker) on SASL_PLAINTEXT with SCRAM; the broker authenticates to
            // the controller listener with SASL/PLAIN (KRaft controllers take no SCRAM). Both as the super user.
            p.setProperty("listeners", "CLIENT://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort);
            p.setProperty("advertised.listeners", "CLIENT://localhost:" + port);
            p.setProperty("inter.broker.listener.name", "CLIENT");
            p.setProperty("listener.security.protocol.map", "CLIENT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT");
            p.setProperty("sasl.enabled.mechanisms", MECHANISM);
            p.setProperty("sasl.mechanism.inter.broker.protocol", MECHANISM);
            p.setProperty("listener.name.client.sasl.enabled.mechanisms", MECHANISM);
            p.setProperty("listener.name.client.scram-sha-256.sasl.jaas.config",
                    jaas("org.apache.kafka.common.security.scram.ScramLoginModule", KafkaAccess.ADMIN, adminPassword, ""));
            p.setProperty("sasl.mechanism.controller.protocol", "PLAIN");
            p.setProperty("listener.name.controller.sasl.enabled.mechanisms", "PLAIN");
            p.setProperty("listener.name.controller.plain.sasl.jaas.config",
                    jaas("org.apache.kafka.common.security.plain.PlainLoginModule", KafkaAccess.ADMIN, adminPassword,
                            " user_" + KafkaAccess.ADMIN + "=" + quoted(adminPassword)));
            p.setProperty("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
            p.setProperty("allow.everyone.if.no.acl.found", "false");
            p.setProperty("super.users", "User:" + KafkaAccess.ADMIN);
            // no topic comes into being by a client's produce or metadata request: only by CREATE
            p.setProperty("auto.create.topics.enable", "false");
        }
        return p;
    }

    /**
     * Client properties that authenticate as {@code username} on a secured broker ({@code security.protocol},
     * {@code sasl.mechanism}, {@code sasl.jaas.config}): add them to a producer's, consumer's or admin's config.
     */
    public static Map<String, Object> saslClientProperties(String username, String password) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
        p.put(SaslConfigs.SASL_MECHANISM, MECHANISM);
        p.put(SaslConfigs.SASL_JAAS_CONFIG,
                jaas("org.apache.kafka.common.security.scram.ScramLoginModule", username, password, ""));
        return p;
    }

    /** {@link #bootstrapServers()} and, on a secured broker, the super user's credentials. */
    public Map<String, Object> adminClientProperties() {
        Map<String, Object> p = new HashMap<>();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        if (isSecured()) {
            p.putAll(saslClientProperties(KafkaAccess.ADMIN, adminPassword));
        }
        return p;
    }

    /** Creates or replaces the SCRAM ({@value #MECHANISM}) credential of {@code username}. Secured brokers only. */
    public void createUser(String username, String password) {
        createUsers(Map.of(username, password));
    }

    /** {@link #createUser} for each entry, then waits until each user can log in. */
    public void createUsers(Map<String, String> passwordsByUser) {
        requireSecured();
        List<UserScramCredentialAlteration> upserts = new ArrayList<>();
        passwordsByUser.forEach((user, password) -> upserts.add(new UserScramCredentialUpsertion(user,
                new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 8192), password)));
        try (Admin admin = Admin.create(adminClientProperties())) {
            admin.alterUserScramCredentials(upserts).all().get(30, TimeUnit.SECONDS);
        }
        catch (Exception e) {
            throw new IllegalStateException("Creating SCRAM users " + passwordsByUser.keySet() + " failed", unwrap(e));
        }
        passwordsByUser.forEach((user, password) -> awaitLogin(user, password, Duration.ofSeconds(30)));
    }

    /** Creates the ACLs and waits until the broker enforces all of them. Secured brokers only. */
    public void createAcls(List<AclBinding> acls) {
        requireSecured();
        try (Admin admin = Admin.create(adminClientProperties())) {
            admin.createAcls(acls).all().get(30, TimeUnit.SECONDS);
            Instant deadline = Instant.now().plusSeconds(30);
            while (!admin.describeAcls(AclBindingFilter.ANY).values().get(10, TimeUnit.SECONDS).containsAll(acls)) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("ACLs not visible on the broker after 30 s");
                }
                Thread.sleep(100);
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        catch (Exception e) {
            throw new IllegalStateException("Creating ACLs failed", unwrap(e));
        }
    }

    /**
     * Creates the users of {@code access} that {@code passwordsByUser} has a password for, and all ACLs of those
     * users.
     */
    public void grant(KafkaAccess access, Map<String, String> passwordsByUser) {
        createUsers(passwordsByUser);
        List<AclBinding> acls = new ArrayList<>();
        passwordsByUser.keySet().forEach(user -> acls.addAll(access.aclBindings(user)));
        createAcls(acls);
    }

    private void awaitLogin(String username, String password, Duration timeout) {
        Map<String, Object> config = new HashMap<>(saslClientProperties(username, password));
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            try (Admin admin = Admin.create(config)) {
                admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
                return;
            }
            catch (Exception e) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("user " + username + " cannot log in after " + timeout, unwrap(e));
                }
                sleep(200);
            }
        }
    }

    private void requireSecured() {
        if (!isSecured()) {
            throw new IllegalStateException("users and ACLs need a secured broker (LocalKafka.secured)");
        }
    }

    private static Throwable unwrap(Exception e) {
        return e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        }
        catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(interrupted);
        }
    }

    private static String jaas(String module, String username, String password, String extra) {
        return module + " required username=" + quoted(username) + " password=" + quoted(password) + extra + ";";
    }

    /** A JAAS option value: double-quoted, with backslashes and double quotes escaped. */
    static String quoted(String value) {
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    private void awaitReady(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        Map<String, Object> config = adminClientProperties();
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
        try (Admin admin = Admin.create(config)) {
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
        int block = Integer.getInteger(PORT_BLOCK, -1);
        int from = block < 0 ? 20_000 : 20_000 + (block % PORT_BLOCKS) * (12_000 / PORT_BLOCKS);
        int size = block < 0 ? 12_000 : 12_000 / PORT_BLOCKS;
        for (int attempt = 0; attempt < 500; attempt++) {
            int candidate = from + java.util.concurrent.ThreadLocalRandom.current().nextInt(size);
            if (!HANDED_OUT.add(candidate)) {
                continue; // given to a process of this JVM that may not have bound it yet
            }
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

    /**
     * System property that gives a JVM a block of its own of {@link #stablePort}'s range ({@code 0..3}; the fault
     * tests set it from surefire's fork number): several JVMs starting stacks at once then never pick the same port
     * for two services that have not bound it yet (seen: a mailer whose management port another fork's service took).
     */
    public static final String PORT_BLOCK = "verimail.port-block";
    private static final int PORT_BLOCKS = 4;
    private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code --port 9092 --controller-port 9093 --dir data/kafka --partitions 6 [--secured]}; runs until killed.
     * <p>
     * Unauthenticated on localhost by default (the one-command local stack). With {@code --secured} the broker takes
     * SASL/SCRAM clients and ACLs ({@link #secured}): the super user's password comes from
     * {@code KAFKA_ADMIN_PASSWORD} (required), and each of {@code KAFKA_REGISTRATION_PASSWORD},
     * {@code KAFKA_MAILER_PASSWORD}, {@code KAFKA_VERIFICATION_PASSWORD}, {@code KAFKA_SUBSCRIBER_PASSWORD} that is
     * set creates that principal with the ACLs of {@link KafkaAccess#verimail()}. Passwords are never taken from
     * the command line, where any user of the machine could read them.
     */
    public static void main(String[] args) throws InterruptedException {
        int port = 9092;
        int controllerPort = -1;
        int partitions = 6;
        boolean secured = false;
        Path dir = Path.of("data", "kafka");
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--secured")) {
                secured = true;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("Option " + args[i] + " needs a value");
            }
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--controller-port" -> controllerPort = Integer.parseInt(args[++i]);
                case "--dir" -> dir = Path.of(args[++i]);
                case "--partitions" -> partitions = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("Unknown option " + args[i]);
            }
        }
        int controller = controllerPort > 0 ? controllerPort : freePort();
        LocalKafka kafka;
        Map<String, String> users = new LinkedHashMap<>();
        if (secured) {
            String adminPassword = System.getenv("KAFKA_ADMIN_PASSWORD");
            if (adminPassword == null || adminPassword.isEmpty()) {
                throw new IllegalArgumentException("--secured needs KAFKA_ADMIN_PASSWORD in the environment");
            }
            kafka = secured(dir, port, controller, partitions, adminPassword);
            for (String user : List.of(KafkaAccess.REGISTRATION, KafkaAccess.MAILER, KafkaAccess.VERIFICATION,
                    KafkaAccess.SUBSCRIBER)) {
                String password = System.getenv("KAFKA_" + user.toUpperCase(java.util.Locale.ROOT) + "_PASSWORD");
                if (password != null && !password.isEmpty()) {
                    users.put(user, password);
                }
            }
        }
        else {
            kafka = new LocalKafka(dir, port, controller, partitions);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            kafka.stop();
            stopped.countDown();
        }, "stop-kafka"));
        kafka.start();
        if (!users.isEmpty()) {
            kafka.grant(KafkaAccess.verimail(), users);
        }
        System.out.println("Kafka ready on " + kafka.bootstrapServers() + " (data in " + kafka.dataDir() + ", "
                + (secured ? "SASL_PLAINTEXT " + MECHANISM + " with ACLs, users " + users.keySet()
                        : "unauthenticated plaintext, no ACLs") + ")");
        stopped.await();
    }
}
