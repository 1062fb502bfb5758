package dev.verimail.benchmark;

import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import dev.verimail.events.Topics;
import dev.verimail.localstack.ServiceProcess;
import dev.verimail.testbed.DatabaseCoordinates;
import dev.verimail.testbed.KafkaBrokerProcess;
import dev.verimail.testbed.SendCloudStandIn;
import dev.verimail.testbed.TestDatabases;
import dev.verimail.testbed.TopicReader;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The pipeline benchmark. Workload (each overridable by an environment variable):
 * <ol>
 * <li>closed loop: {@code BENCH_SIGNUPS} (20,000) sign-ups from {@code BENCH_CLIENTS} (32) clients;</li>
 * <li>open loop: {@code BENCH_OPEN_RATE} (500) sign-ups/s for {@code BENCH_OPEN_SECONDS} (60) s, latency measured
 * from each request's scheduled start (no coordinated omission);</li>
 * <li>every email's link confirmed through {@code POST /api/verifications} from {@code BENCH_CONFIRM_CLIENTS} (32)
 * clients.</li>
 * </ol>
 * The SendCloud stand-in answers after {@code BENCH_SENDCLOUD_LATENCY_MS} (200) ms.
 */
public final class Benchmark {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    record Settings(int signups, int clients, int openRate, int openSeconds, int latencyMs, int confirmClients,
            int drainTimeoutSeconds, String serviceJavaOpts, int storedChallenges) {

        static Settings fromEnv() {
            Map<String, String> env = System.getenv();
            return new Settings(num(env, "BENCH_SIGNUPS", 20_000), num(env, "BENCH_CLIENTS", 32),
                    num(env, "BENCH_OPEN_RATE", 500), num(env, "BENCH_OPEN_SECONDS", 60),
                    num(env, "BENCH_SENDCLOUD_LATENCY_MS", 200), num(env, "BENCH_CONFIRM_CLIENTS", 32),
                    num(env, "BENCH_DRAIN_TIMEOUT_SECONDS", 300),
                    env.getOrDefault("BENCH_SERVICE_JAVA_OPTS", "-Xms128m -Xmx256m -XX:+UseSerialGC"),
                    num(env, "BENCH_STORED_CHALLENGES", 0));
        }

        private static int num(Map<String, String> env, String name, int fallback) {
            return Integer.parseInt(env.getOrDefault(name, Integer.toString(fallback)));
        }
    }

    /** One sign-up's milestones. */
    static final class Signup {
        final String email;
        volatile Instant accepted;
        volatile long userId;
        volatile Instant confirmed;
        volatile Instant seenVerified;

        Signup(String email) {
            this.email = email;
        }
    }

    private final Settings settings;
    private final Path out;
    private final Instant began = Instant.now();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).executor(Executors.newFixedThreadPool(8)).build();
    private final Map<String, Signup> signups = new ConcurrentHashMap<>();
    private final Map<Long, Signup> byUser = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<long[]> signupTimeline = new ConcurrentLinkedQueue<>();
    private final AtomicLong errors = new AtomicLong();
    private final Map<String, String> notes = new ConcurrentHashMap<>();
    private final Map<String, Long> failures = new ConcurrentHashMap<>();

    private final Histogram closedLatency = histogram();
    private final Histogram openLatency = histogram();
    private final Histogram emailDelay = histogram();
    private final Histogram confirmLatency = histogram();
    private final Histogram confirmToVerified = histogram();

    private SendCloudStandIn sendCloud;
    private KafkaBrokerProcess kafka;
    private final List<ServiceProcess> services = new ArrayList<>();
    private DatabaseCoordinates registrationDb;
    private DatabaseCoordinates verificationDb;
    private double databaseCpuAtStart;

    Benchmark(Settings settings, Path out) {
        this.settings = settings;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        Path repository = Path.of(System.getProperty("verimail.home", ".")).toAbsolutePath().normalize();
        Path out = repository.resolve("benchmark").resolve("target").resolve("benchmark");
        Files.createDirectories(out);
        Benchmark benchmark = new Benchmark(Settings.fromEnv(), out);
        try {
            benchmark.startSystem(repository);
            benchmark.run();
        }
        finally {
            benchmark.stopSystem();
        }
        System.exit(0);
    }

    void startSystem(Path repository) throws java.io.IOException {
        say("Starting Kafka, the SendCloud stand-in (" + settings.latencyMs() + " ms) and the three services");
        Path kafkaDir = out.resolve("kafka");
        deleteRecursively(kafkaDir);
        deleteRecursively(out.resolve("logs"));
        kafka = KafkaBrokerProcess.on(KafkaBrokerProcess.freePort(), kafkaDir).start();
        sendCloud = SendCloudStandIn.start(0, 16).latency(Duration.ofMillis(settings.latencyMs()));
        int registrationPort = KafkaBrokerProcess.freePort();
        int verificationPort = KafkaBrokerProcess.freePort();
        int mailerPort = KafkaBrokerProcess.freePort();
        Map<String, String> common = Map.of("SPRING_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "LOGGING_LEVEL_DEV_VERIMAIL", System.getenv().getOrDefault("BENCH_SERVICE_LOG_LEVEL", "INFO"));
        registrationDb = TestDatabases.server().create("bench_registration");
        // every sign-up of the load comes from this one machine: the per-client limit is off (the report says so);
        // the per-email limit stays at its default, as in production
        services.add(service(repository, "registration-service", registrationPort, registrationDb, common,
                Map.of("REGISTRATION_LIMITS_PER_CLIENT", "off")));
        notes.put("abuse limits", "per client address off (the load comes from one machine); per email address and "
                + "the rest at their defaults");
        verificationDb = TestDatabases.server().create("bench_verification");
        services.add(service(repository, "verification-service", verificationPort, verificationDb, common, Map.of()));
        services.add(service(repository, "mailer-service", mailerPort, TestDatabases.server().create("bench_mailer"), common,
                Map.of("MAILER_TRANSPORT", "sendcloud", "SENDCLOUD_ALLOW_HTTP", "true",
                        "SENDCLOUD_API_USER", "bench", "SENDCLOUD_API_KEY", "bench-key", "SENDCLOUD_BASE_URL", sendCloud.baseUrl(),
                        "SENDCLOUD_TEMPLATE", "bench", "SENDCLOUD_FROM", "bench@verimail.test", "SENDCLOUD_FROM_NAME", "bench",
                        "MAILER_VERIFICATION_URL", "http://localhost:" + verificationPort + "/verify")));
        services.forEach(ServiceProcess::start);
        services.forEach(s -> s.awaitReady(Duration.ofMinutes(4)));
        databaseCpuAtStart = ProcessStats.of("database server", databasePid()).cpuSeconds();
        say("System ready");
    }

    private ServiceProcess service(Path repository, String name, int port, DatabaseCoordinates db,
            Map<String, String> common, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(common);
        env.put("SPRING_DATASOURCE_URL", db.url());
        env.put("SPRING_DATASOURCE_USERNAME", db.username());
        env.put("SPRING_DATASOURCE_PASSWORD", db.password());
        env.putAll(extra);
        return new ServiceProcess(name, port, ServiceProcess.jarOf(repository, name), out.resolve("logs").resolve(name + ".log"),
                List.of(settings.serviceJavaOpts().trim().split("\\s+")), env);
    }

    void stopSystem() {
        services.parallelStream().forEach(ServiceProcess::stop);
        if (kafka != null) {
            kafka.stop();
        }
        if (sendCloud != null) {
            sendCloud.close();
        }
    }

    void run() throws Exception {
        String registration = services.get(0).baseUrl();
        if (settings.storedChallenges() > 0) {
            storeFillerChallenges(settings.storedChallenges());
        }
        warmUp(registration);

        say("Phase 1: " + settings.signups() + " sign-ups, closed loop, " + settings.clients() + " clients");
        Instant closedStart = Instant.now();
        closedLoop(registration, settings.signups(), settings.clients(), "c");
        Duration closedTime = Duration.between(closedStart, Instant.now());

        int openTotal = settings.openRate() * settings.openSeconds();
        say("Phase 2: open loop, " + settings.openRate() + "/s for " + settings.openSeconds() + " s");
        Instant openStart = Instant.now();
        openLoop(registration, openTotal);
        Duration openTime = Duration.between(openStart, Instant.now());
        Instant lastAccepted = signups.values().stream().map(s -> s.accepted).filter(a -> a != null)
                .max(Instant::compareTo).orElse(Instant.now());

        say("Waiting for every email to reach the SendCloud stand-in");
        Instant drainDeadline = Instant.now().plusSeconds(settings.drainTimeoutSeconds());
        long accepted = signups.values().stream().filter(s -> s.accepted != null).count();
        while (distinctRecipients() < accepted && Instant.now().isBefore(drainDeadline)) {
            Thread.sleep(500);
        }
        EmailCheck emails = checkEmails(lastAccepted);

        say("Waiting for verification-service to hold every challenge");
        Instant challengesStart = Instant.now();
        long expectedChallenges = accepted + 2_000;
        while (counter(services.get(1).managementUrl(), "verification_challenges_received_total", "outcome=\"stored\"") < expectedChallenges
                && Instant.now().isBefore(drainDeadline.plusSeconds(120))) {
            Thread.sleep(500);
        }
        notes.put("verification-service caught up with the last challenge",
                String.format(Locale.ROOT, "%.1f s after the last email went out", seconds(Duration.between(challengesStart, Instant.now()))));

        if (!emails.links().isEmpty()) {
            notes.put("sample link", emails.links().get(0).replaceAll("authcode=.*", "authcode=…"));
        }
        say("Phase 3: confirming " + emails.links().size() + " links, " + settings.confirmClients() + " clients");
        VerifiedWatcher watcher = new VerifiedWatcher();
        Thread watcherThread = new Thread(watcher, "verified-watcher");
        watcherThread.start();
        Instant confirmStart = Instant.now();
        confirm(services.get(1).baseUrl(), emails.links());
        Duration confirmTime = Duration.between(confirmStart, Instant.now());
        Instant verifiedDeadline = Instant.now().plusSeconds(120);
        long confirmedCount = byUser.values().stream().filter(s -> s.confirmed != null).count();
        while (watcher.seen.get() < confirmedCount && Instant.now().isBefore(verifiedDeadline)) {
            Thread.sleep(200);
        }
        watcher.stop = true;
        watcherThread.join();
        for (Signup s : byUser.values()) {
            if (s.confirmed != null && s.seenVerified != null) {
                confirmToVerified.recordValue(Math.max(0, Duration.between(s.confirmed, s.seenVerified).toNanos() / 1_000));
            }
        }
        EventCheck events = checkEvents(confirmedCount);
        scrape(services.get(1).managementUrl(), "verification_verifications_rejected_total");
        scrape(services.get(2).managementUrl(), "mailer_emails_failed_total");

        List<ProcessStats> stats = new ArrayList<>();
        for (ServiceProcess s : services) {
            stats.add(ProcessStats.of(s.name(), s.pid()));
        }
        stats.add(ProcessStats.of("kafka (broker JVM)", kafka.pid()));
        ProcessStats db = ProcessStats.of("database server (CPU during the run)", databasePid());
        stats.add(new ProcessStats(db.name(), db.peakRssKb(), db.rssKb(), db.cpuSeconds() - databaseCpuAtStart));
        stats.add(ProcessStats.of("benchmark JVM (load, stand-in)", ProcessHandle.current().pid()));

        Report report = new Report(settings, closedLatency, openLatency, emailDelay, confirmLatency, confirmToVerified,
                settings.signups() / seconds(closedTime), (signups.size() - settings.signups()) / seconds(openTime),
                confirmedCount / seconds(confirmTime), emails, events, stats, errors.get(), failures, notes,
                signupTimeline, began);
        report.write(out);
        say("Report: " + out.resolve("report.md"));
    }

    /**
     * Fills verification-service's tables with {@code count} challenges of other users (ids from 10^12 up, so they
     * never meet the run's), pending and unexpired, so the confirm phase runs against a table of that size
     * ({@code BENCH_STORED_CHALLENGES}). Written straight to the database in multi-row inserts: 1,000,000 take
     * about a minute here, through Kafka they would take many.
     */
    private void storeFillerChallenges(int count) throws SQLException {
        say(String.format(Locale.ROOT, "Storing %,d filler challenges in verification-service's database", count));
        Instant start = Instant.now();
        int chunk = 1_000;
        SecureRandom random = new SecureRandom();
        Timestamp now = Timestamp.from(Instant.now());
        Timestamp expires = Timestamp.from(Instant.now().plus(Duration.ofHours(24)));
        try (Connection c = DriverManager.getConnection(verificationDb.url(), verificationDb.username(), verificationDb.password())) {
            c.setAutoCommit(false);
            String challengeRow = "(?, ?, ?, ?, 'filler@bench.example', 'Filler', ?, ?, ?)";
            for (int from = 0; from < count; from += chunk) {
                int n = Math.min(chunk, count - from);
                try (PreparedStatement users = c.prepareStatement("INSERT INTO user_verification (user_id) VALUES "
                        + String.join(",", Collections.nCopies(n, "(?)")));
                        PreparedStatement challenges = c.prepareStatement("""
                                INSERT INTO challenge (event_id, token, authcode_hash, user_id, email, name, issued_at,
                                                       expires_at, received_at) VALUES """
                                + String.join(",", Collections.nCopies(n, challengeRow)))) {
                    for (int i = 0; i < n; i++) {
                        long userId = 1_000_000_000_000L + from + i;
                        byte[] token = new byte[16];
                        byte[] hash = new byte[32];
                        random.nextBytes(token);
                        random.nextBytes(hash);
                        users.setLong(i + 1, userId);
                        int k = i * 7;
                        challenges.setString(k + 1, UUID.randomUUID().toString());
                        challenges.setString(k + 2, Base64.getUrlEncoder().withoutPadding().encodeToString(token));
                        challenges.setBytes(k + 3, hash);
                        challenges.setLong(k + 4, userId);
                        challenges.setTimestamp(k + 5, now);
                        challenges.setTimestamp(k + 6, expires);
                        challenges.setTimestamp(k + 7, now);
                    }
                    users.executeUpdate();
                    challenges.executeUpdate();
                }
                c.commit();
            }
        }
        notes.put("challenges stored before the run (other users', straight into the database)",
                String.format(Locale.ROOT, "%,d in %.0f s", count, seconds(Duration.between(start, Instant.now()))));
    }

    private void warmUp(String registration) throws InterruptedException {
        say("Warming up (2,000 sign-ups, not measured)");
        closedLoop(registration, 2_000, settings.clients(), "w");
        closedLatency.reset();
        signupTimeline.clear();
        Thread.sleep(2_000);
    }

    private void closedLoop(String base, int total, int clients, String prefix) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(clients);
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        for (int c = 0; c < clients; c++) {
            pool.execute(() -> {
                try {
                    int i;
                    while ((i = next.getAndIncrement()) < total) {
                        String email = prefix + i + "@bench.example";
                        long start = System.nanoTime();
                        HttpResponse<String> response = signup(base, email);
                        long micros = (System.nanoTime() - start) / 1_000;
                        if (!prefix.equals("w")) {
                            record(email, response, micros, closedLatency);
                        }
                    }
                }
                catch (Exception e) {
                    failure(e.getClass().getSimpleName(), e.getMessage());
                }
                finally {
                    done.countDown();
                }
            });
        }
        done.await();
        pool.shutdown();
    }

    private void openLoop(String base, int total) throws InterruptedException {
        long interval = 1_000_000_000L / settings.openRate();
        long start = System.nanoTime();
        CountDownLatch done = new CountDownLatch(total);
        for (int i = 0; i < total; i++) {
            long intended = start + i * interval;
            long wait;
            while ((wait = intended - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            String email = "o" + i + "@bench.example";
            http.sendAsync(request(base, email), HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
                long micros = (System.nanoTime() - intended) / 1_000;
                if (error != null) {
                    failure(error.getClass().getSimpleName(), error.getMessage());
                }
                else {
                    record(email, response, micros, openLatency);
                }
                done.countDown();
            });
        }
        if (!done.await(2, TimeUnit.MINUTES)) {
            notes.put("open loop", "some requests did not complete within 2 minutes after the last was sent");
        }
    }

    private void failure(String kind, String sample) {
        errors.incrementAndGet();
        failures.merge(kind, 1L, Long::sum);
        notes.putIfAbsent(kind, sample == null ? "" : sample.substring(0, Math.min(300, sample.length())));
    }

    private void record(String email, HttpResponse<String> response, long micros, Histogram histogram) {
        if (response.statusCode() != 202) {
            failure("sign-up " + response.statusCode(), response.body());
            return;
        }
        Signup signup = signups.computeIfAbsent(email, Signup::new);
        signup.accepted = Instant.now();
        signup.userId = JSON.readTree(response.body()).get("id").asLong();
        byUser.put(signup.userId, signup);
        synchronized (histogram) {
            histogram.recordValue(micros);
        }
        signupTimeline.add(new long[] { Duration.between(began, signup.accepted).toMillis(), micros });
    }

    private HttpResponse<String> signup(String base, String email) throws Exception {
        return http.send(request(base, email), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest request(String base, String email) {
        return HttpRequest.newBuilder(URI.create(base + "/api/registrations")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"Bench User\",\"email\":\"" + email + "\"}")).build();
    }

    private long distinctRecipients() {
        return sendCloud.calls().stream().map(Benchmark::recipient).filter(signups::containsKey).distinct().count();
    }

    private static String recipient(SendCloudStandIn.Call call) {
        String x = call.field("xsmtpapi");
        int at = x.indexOf("\"to\":[\"");
        return at < 0 ? "" : x.substring(at + 7, x.indexOf('"', at + 7));
    }

    record EmailCheck(long accepted, long emailed, long lost, long duplicates, Duration drain, List<String> links) {
    }

    private EmailCheck checkEmails(Instant lastAccepted) {
        Map<String, List<SendCloudStandIn.Call>> byRecipient = new HashMap<>();
        for (SendCloudStandIn.Call call : sendCloud.calls()) {
            byRecipient.computeIfAbsent(recipient(call), k -> new ArrayList<>()).add(call);
        }
        long lost = 0;
        long duplicates = 0;
        Instant lastCall = Instant.EPOCH;
        List<String> links = new ArrayList<>();
        for (Signup signup : signups.values()) {
            if (signup.accepted == null) {
                continue;
            }
            List<SendCloudStandIn.Call> calls = byRecipient.get(signup.email);
            if (calls == null || calls.isEmpty()) {
                lost++;
                continue;
            }
            duplicates += calls.size() - 1;
            SendCloudStandIn.Call first = calls.get(0);
            emailDelay.recordValue(Math.max(0, Duration.between(signup.accepted, first.receivedAt()).toNanos() / 1_000));
            if (first.receivedAt().isAfter(lastCall)) {
                lastCall = first.receivedAt();
            }
            JsonNode xsmtpapi = JSON.readTree(first.field("xsmtpapi"));
            links.add(xsmtpapi.get("sub").get("%url%").get(0).asString());
        }
        long accepted = signups.values().stream().filter(s -> s.accepted != null).count();
        return new EmailCheck(accepted, accepted - lost, lost, duplicates, Duration.between(lastAccepted, lastCall), links);
    }

    private void confirm(String base, List<String> links) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(settings.confirmClients());
        ExecutorService pool = Executors.newFixedThreadPool(settings.confirmClients());
        for (int c = 0; c < settings.confirmClients(); c++) {
            pool.execute(() -> {
                try {
                    int i;
                    while ((i = next.getAndIncrement()) < links.size()) {
                        Map<String, String> query = query(links.get(i));
                        String body = JSON.writeValueAsString(Map.of("token", query.get("token"), "authcode", query.get("authcode")));
                        long start = System.nanoTime();
                        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/api/verifications"))
                                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                        long micros = (System.nanoTime() - start) / 1_000;
                        if (response.statusCode() != 200) {
                            failure("confirm " + response.statusCode(), response.body());
                            continue;
                        }
                        synchronized (confirmLatency) {
                            confirmLatency.recordValue(micros);
                        }
                        Signup signup = byUser.get(JSON.readTree(response.body()).get("userId").asLong());
                        if (signup != null) {
                            signup.confirmed = Instant.now();
                        }
                    }
                }
                catch (Exception e) {
                    failure(e.getClass().getSimpleName(), e.getMessage());
                }
                finally {
                    done.countDown();
                }
            });
        }
        done.await();
        pool.shutdown();
    }

    record EventCheck(long users, long events, long missing, long duplicates) {
    }

    private EventCheck checkEvents(long confirmed) {
        Map<String, Integer> perUser = new HashMap<>();
        try (TopicReader reader = TopicReader.fromBeginning(kafka.bootstrapServers(), Topics.VERIFICATION_EVENTS)) {
            Instant deadline = Instant.now().plusSeconds(60);
            List<ConsumerRecord<String, String>> seen = List.of();
            while (Instant.now().isBefore(deadline)) {
                seen = reader.readFor(Duration.ofSeconds(2), r -> true);
                if (seen.size() >= confirmed) {
                    seen = reader.readFor(Duration.ofSeconds(2), r -> true);
                    break;
                }
            }
            seen.forEach(r -> perUser.merge(r.key(), 1, Integer::sum));
        }
        long duplicates = perUser.values().stream().mapToLong(n -> n - 1).sum();
        long missing = byUser.values().stream().filter(s -> s.confirmed != null)
                .filter(s -> !perUser.containsKey(Long.toString(s.userId))).count();
        return new EventCheck(confirmed, perUser.values().stream().mapToLong(Integer::longValue).sum(), missing, duplicates);
    }

    /** Polls the registration database and notes when each user first shows VERIFIED. */
    private final class VerifiedWatcher implements Runnable {
        volatile boolean stop;
        final AtomicLong seen = new AtomicLong();

        @Override
        public void run() {
            try (Connection c = DriverManager.getConnection(registrationDb.url(), registrationDb.username(), registrationDb.password());
                    Statement st = c.createStatement()) {
                while (!stop) {
                    Instant now = Instant.now();
                    try (ResultSet rs = st.executeQuery("SELECT id FROM users WHERE status = 'VERIFIED'")) {
                        while (rs.next()) {
                            Signup s = byUser.get(rs.getLong(1));
                            if (s != null && s.seenVerified == null) {
                                s.seenVerified = now;
                                seen.incrementAndGet();
                            }
                        }
                    }
                    Thread.sleep(100);
                }
            }
            catch (Exception e) {
                notes.put("verified watcher", e.toString());
            }
        }
    }

    private static Map<String, String> query(String link) {
        Map<String, String> params = new HashMap<>();
        for (String pair : URI.create(link).getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            params.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return params;
    }

    static long databasePid() {
        long pid = ProcessStats.pidOf("mariadbd");
        return pid < 0 ? ProcessStats.pidOf("mysqld") : pid;
    }

    /** The first series of {@code name} whose labels include {@code label} (every series has other labels too, e.g. application). */
    private double counter(String base, String name, String label) {
        try {
            String body = http.send(HttpRequest.newBuilder(URI.create(base + "/actuator/prometheus")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            return body.lines().filter(l -> l.startsWith(name + "{") && l.contains(label))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElse(0);
        }
        catch (Exception e) {
            return 0;
        }
    }

    /** Copies non-zero samples of a counter from a service's Prometheus endpoint into the report's notes. */
    private void scrape(String base, String metric) {
        try {
            String body = http.send(HttpRequest.newBuilder(URI.create(base + "/actuator/prometheus")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            body.lines().filter(l -> l.startsWith(metric) && !l.endsWith(" 0.0"))
                    .forEach(l -> notes.put(l.substring(0, l.lastIndexOf(' ')), l.substring(l.lastIndexOf(' ') + 1)));
        }
        catch (Exception e) {
            notes.put("scrape " + metric, e.toString());
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Histogram histogram() {
        return new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
    }

    private static double seconds(Duration d) {
        return Math.max(0.001, d.toNanos() / 1e9);
    }

    static void say(String message) {
        System.out.println(String.format(Locale.ROOT, "[benchmark %tT] %s", Instant.now().toEpochMilli(), message));
    }
}
