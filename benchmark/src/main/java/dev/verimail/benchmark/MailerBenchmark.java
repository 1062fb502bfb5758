package dev.verimail.benchmark;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.verimail.events.Topics;
import dev.verimail.events.registration.UserRegistered;
import dev.verimail.events.secret.AuthcodeDigest;
import dev.verimail.events.secret.SecretBox;
import dev.verimail.localstack.ServiceProcess;
import dev.verimail.outbox.CloudEventRecords;
import dev.verimail.outbox.EventJson;
import dev.verimail.testbed.DatabaseCoordinates;
import dev.verimail.testbed.KafkaBrokerProcess;
import dev.verimail.testbed.SendCloudStandIn;
import dev.verimail.testbed.TestDatabases;
import tools.jackson.databind.json.JsonMapper;

/**
 * The mailer alone: mailer-service in its own JVM with a real KRaft broker, a fresh database and the SendCloud
 * stand-in answering after {@code BENCH_SENDCLOUD_LATENCY_MS} (200) ms; no other service runs. It settles the
 * issue's target "the mailer alone keeps at least 1,000 sends/s in flight against a SendCloud reply latency of
 * 200 ms", which the pipeline benchmark cannot: there the mailer only gets as many events as sign-ups come in.
 * <ol>
 * <li>warm-up: {@code BENCH_MAILER_WARMUP} (10,000) events, not measured (the JIT compiles the hot paths);</li>
 * <li>burst: {@code BENCH_MAILER_EVENTS} (30,000) events produced as fast as one producer can while the mailer runs.
 * The mailer has a backlog throughout, so the calls per second the stand-in receives are its capacity, and the calls
 * the stand-in holds unanswered are its sends in flight;</li>
 * <li>paced: {@code BENCH_MAILER_RATE} (1,000) events/s for {@code BENCH_MAILER_RATE_SECONDS} (30) s, where the
 * delay from produce to SendCloud call is a latency rather than a queue ({@code BENCH_MAILER_RATE=0} skips it).</li>
 * </ol>
 * The events are {@code UserRegistered} with the JSON and CloudEvents headers of registration-service's outbox relay,
 * one address each; each must reach the stand-in exactly once. {@code BENCH_MAILER_CONCURRENCY} becomes
 * {@code MAILER_SEND_CONCURRENCY} if set. Writes {@code benchmark/target/benchmark-mailer/report.md}.
 */
public final class MailerBenchmark {

    /** The {@code ce_source} registration-service's relay stamps on its events. */
    static final String SOURCE = "/verimail/registration-service";
    /** The mailer's VERIMAIL_SECRET_KEYS for this run: the benchmark seals authcodes as registration-service does. */
    private static final String SECRET_KEYS = "1:" + Base64.getEncoder().encodeToString(randomBytes(32));
    private static final SecretBox BOX = SecretBox.parse(SECRET_KEYS);
    /** What the services create {@code registration-events} with. */
    static final int PARTITIONS = 6;

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    record Settings(int events, int warmUp, int latencyMs, int pacedRate, int pacedSeconds, String concurrency,
            String serviceJavaOpts, String logLevel, int drainTimeoutSeconds) {

        static Settings fromEnv() {
            Map<String, String> env = System.getenv();
            return new Settings(num(env, "BENCH_MAILER_EVENTS", 30_000), num(env, "BENCH_MAILER_WARMUP", 10_000),
                    num(env, "BENCH_SENDCLOUD_LATENCY_MS", 200), num(env, "BENCH_MAILER_RATE", 1_000),
                    num(env, "BENCH_MAILER_RATE_SECONDS", 30), env.get("BENCH_MAILER_CONCURRENCY"),
                    env.getOrDefault("BENCH_SERVICE_JAVA_OPTS", "-Xms128m -Xmx256m -XX:+UseSerialGC"),
                    env.getOrDefault("BENCH_SERVICE_LOG_LEVEL", "INFO"), num(env, "BENCH_DRAIN_TIMEOUT_SECONDS", 300));
        }

        /** The send concurrency in effect, as the report shows it. */
        String concurrencyLabel() {
            return concurrency == null || concurrency.isBlank() ? "256 (default)" : concurrency.trim();
        }

        private static int num(Map<String, String> env, String name, int fallback) {
            return Integer.parseInt(env.getOrDefault(name, Integer.toString(fallback)).trim());
        }
    }

    /** The events of one phase, when each was produced, and the counters read around it. */
    static final class Phase {
        final String name;
        final double offeredRate;
        final Map<String, Long> producedAtMicros = new HashMap<>();
        Instant firstProduced;
        Instant lastProduced;
        Map<String, Double> cpuBefore;
        Map<String, Double> cpuAfter;
        double[] sendsBefore;
        double[] sendsAfter;
        int peakInFlight;

        Phase(String name, double offeredRate) {
            this.name = name;
            this.offeredRate = offeredRate;
        }
    }

    private final Settings settings;
    private final Path out;
    private final Instant began = Instant.now();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Map<String, String> notes = Collections.synchronizedMap(new LinkedHashMap<>());
    private final AtomicLong produceErrors = new AtomicLong();
    /** {epoch micros, calls in flight at the stand-in}, every 10 ms. */
    private final ConcurrentLinkedQueue<long[]> inFlightSamples = new ConcurrentLinkedQueue<>();
    private volatile boolean sampling = true;
    private long nextUserId = 1;
    private long expectedCalls;

    private KafkaBrokerProcess kafka;
    private SendCloudStandIn sendCloud;
    private ServiceProcess mailer;
    private KafkaProducer<String, String> producer;

    MailerBenchmark(Settings settings, Path out) {
        this.settings = settings;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        Path repository = Path.of(System.getProperty("verimail.home", ".")).toAbsolutePath().normalize();
        Path out = repository.resolve("benchmark").resolve("target").resolve("benchmark-mailer");
        Files.createDirectories(out);
        MailerBenchmark benchmark = new MailerBenchmark(Settings.fromEnv(), out);
        try {
            benchmark.startSystem(repository);
            benchmark.run();
        }
        finally {
            benchmark.stopSystem();
        }
        System.exit(0);
    }

    void startSystem(Path repository) throws Exception {
        say("Starting Kafka, the SendCloud stand-in (" + settings.latencyMs() + " ms) and mailer-service alone");
        Path kafkaDir = out.resolve("kafka");
        Benchmark.deleteRecursively(kafkaDir);
        Benchmark.deleteRecursively(out.resolve("logs"));
        kafka = KafkaBrokerProcess.on(KafkaBrokerProcess.freePort(), kafkaDir).start();
        createTopic();
        sendCloud = SendCloudStandIn.start(0, 16).latency(Duration.ofMillis(settings.latencyMs()));
        DatabaseCoordinates db = TestDatabases.server().create("bench_mailer_only");
        Map<String, String> env = new HashMap<>();
        env.put("SPRING_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("LOGGING_LEVEL_DEV_VERIMAIL", settings.logLevel());
        env.put("SPRING_DATASOURCE_URL", db.url());
        env.put("SPRING_DATASOURCE_USERNAME", db.username());
        env.put("SPRING_DATASOURCE_PASSWORD", db.password());
        env.put("MAILER_TRANSPORT", "sendcloud");
        env.put("SENDCLOUD_ALLOW_HTTP", "true");
        env.put("SENDCLOUD_API_USER", "bench");
        env.put("SENDCLOUD_API_KEY", "bench-key");
        env.put("SENDCLOUD_BASE_URL", sendCloud.baseUrl());
        env.put("SENDCLOUD_TEMPLATE", "bench");
        env.put("SENDCLOUD_FROM", "bench@verimail.test");
        env.put("SENDCLOUD_FROM_NAME", "bench");
        env.put("MAILER_VERIFICATION_URL", "http://localhost:8082/verify");
        env.put(SecretBox.VARIABLE, SECRET_KEYS);
        if (settings.concurrency() != null && !settings.concurrency().isBlank()) {
            env.put("MAILER_SEND_CONCURRENCY", settings.concurrency().trim());
        }
        mailer = new ServiceProcess("mailer-service", KafkaBrokerProcess.freePort(),
                ServiceProcess.jarOf(repository, "mailer-service"), out.resolve("logs").resolve("mailer-service.log"),
                List.of(settings.serviceJavaOpts().trim().split("\\s+")), env);
        mailer.start().awaitReady(Duration.ofMinutes(4));
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5),
                new StringSerializer(), new StringSerializer());
        Thread sampler = new Thread(this::sampleInFlight, "in-flight-sampler");
        sampler.setDaemon(true);
        sampler.start();
        say("System ready");
    }

    /** The topic as the services create it, before the mailer starts, so its consumers see every partition at once. */
    private void createTopic() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(Topics.REGISTRATION_EVENTS, PARTITIONS, (short) 1)))
                    .all().get(30, TimeUnit.SECONDS);
        }
    }

    void stopSystem() {
        sampling = false;
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
        if (mailer != null) {
            mailer.stop();
        }
        if (kafka != null) {
            kafka.stop();
        }
        if (sendCloud != null) {
            sendCloud.close();
        }
    }

    void run() throws Exception {
        say("Warming up: " + settings.warmUp() + " events, not measured");
        Phase warmUp = burst("warm-up", "w", settings.warmUp());
        awaitDrain(warmUp);

        say("Burst: " + settings.events() + " events, produced as fast as possible");
        Phase burst = burst("burst", "b", settings.events());
        awaitDrain(burst);

        Phase paced = pacedPhase();
        Thread.sleep(2_000); // a late duplicate would arrive now
        sampling = false;

        Map<String, List<Long>> callsByEmail = callsByEmail();
        List<Phase> measured = paced == null ? List.of(burst) : List.of(burst, paced);
        List<PhaseResult> results = new ArrayList<>();
        for (Phase phase : measured) {
            results.add(measure(phase, callsByEmail));
        }
        long unexpected = callsByEmail.entrySet().stream()
                .filter(e -> !producedIn(e.getKey(), warmUp, burst, paced))
                .mapToLong(e -> e.getValue().size()).sum();
        PhaseResult warm = measure(warmUp, callsByEmail);

        List<ProcessRow> processes = processes(measured);
        scrape("mailer_emails_failed_total");
        scrape("mailer_emails_retried_total");
        MailerReport report = new MailerReport(settings, began, results, warm.lost() + warm.duplicates(), unexpected,
                produceErrors.get(), processes, new LinkedHashMap<>(notes));
        Files.writeString(out.resolve("report.md"), report.markdown());
        say("Report: " + out.resolve("report.md"));
    }

    /** The paced phase, run and drained; null when {@code BENCH_MAILER_RATE} or {@code BENCH_MAILER_RATE_SECONDS} is 0. */
    private Phase pacedPhase() throws InterruptedException {
        if (settings.pacedRate() <= 0 || settings.pacedSeconds() <= 0) {
            return null;
        }
        say("Paced: " + settings.pacedRate() + " events/s for " + settings.pacedSeconds() + " s");
        Phase phase = paced("paced", "p", settings.pacedRate(), settings.pacedSeconds());
        awaitDrain(phase);
        return phase;
    }

    private static boolean producedIn(String email, Phase... phases) {
        for (Phase phase : phases) {
            if (phase != null && phase.producedAtMicros.containsKey(email)) {
                return true;
            }
        }
        return false;
    }

    /** Produces {@code count} events as fast as the producer takes them; the records are built beforehand. */
    private Phase burst(String name, String prefix, int count) {
        List<String> emails = new ArrayList<>(count);
        List<ProducerRecord<String, String>> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String email = prefix + i + "@bench.example";
            emails.add(email);
            records.add(record(email));
        }
        Phase phase = begin(name, 0);
        for (int i = 0; i < count; i++) {
            phase.producedAtMicros.put(emails.get(i), micros(Instant.now()));
            producer.send(records.get(i), this::onAck);
        }
        producer.flush();
        phase.lastProduced = Instant.now();
        return phase;
    }

    /**
     * Produces {@code rate} events a second for {@code seconds} s on a fixed schedule; each event's delay counts from
     * its scheduled time, so a stalled producer cannot hide a slow mailer.
     */
    private Phase paced(String name, String prefix, int rate, int seconds) {
        Phase phase = begin(name, rate);
        long interval = 1_000_000_000L / rate;
        long startNanos = System.nanoTime();
        long startMicros = micros(phase.firstProduced);
        for (int i = 0; i < rate * seconds; i++) {
            long intended = startNanos + i * interval;
            long wait;
            while ((wait = intended - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            String email = prefix + i + "@bench.example";
            phase.producedAtMicros.put(email, startMicros + (intended - startNanos) / 1_000);
            producer.send(record(email), this::onAck);
        }
        producer.flush();
        phase.lastProduced = Instant.now();
        return phase;
    }

    private Phase begin(String name, double offeredRate) {
        Phase phase = new Phase(name, offeredRate);
        sendCloud.resetPeakInFlight();
        phase.cpuBefore = cpu();
        phase.sendsBefore = mailerSends();
        phase.firstProduced = Instant.now();
        return phase;
    }

    private void onAck(RecordMetadata metadata, Exception error) {
        if (error != null) {
            produceErrors.incrementAndGet();
            notes.putIfAbsent("produce error", error.toString());
        }
    }

    /** A {@code UserRegistered} exactly as the outbox relay puts it on the topic: the event JSON, CloudEvents headers. */
    private ProducerRecord<String, String> record(String email) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        long userId = nextUserId++;
        String token = random(16);
        String authcode = random(32);
        UserRegistered event = UserRegistered.v2(UUID.randomUUID(), now, userId, "Bench User", email, token,
                now.plus(Duration.ofHours(24)), AuthcodeDigest.of(authcode),
                BOX.seal(authcode, SecretBox.authcodeContext(userId, token)));
        return CloudEventRecords.of(Topics.REGISTRATION_EVENTS, event.key(), event.eventId().toString(),
                event.cloudEventType(), SOURCE, event.occurredAt(), EventJson.write(event));
    }

    private static byte[] randomBytes(int bytes) {
        byte[] value = new byte[bytes];
        new java.security.SecureRandom().nextBytes(value);
        return value;
    }

    private static String random(int bytes) {
        byte[] value = new byte[bytes];
        RANDOM.nextBytes(value);
        return BASE64URL.encodeToString(value);
    }

    /** Waits until the stand-in has as many calls as events were produced so far, then reads the counters. */
    private void awaitDrain(Phase phase) throws InterruptedException {
        expectedCalls += phase.producedAtMicros.size();
        Instant deadline = Instant.now().plusSeconds(settings.drainTimeoutSeconds());
        while (sendCloud.calls().size() < expectedCalls && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
        }
        if (Instant.now().isAfter(deadline)) {
            notes.put(phase.name + " drain", "not every event reached the stand-in within "
                    + settings.drainTimeoutSeconds() + " s");
        }
        phase.cpuAfter = cpu();
        phase.sendsAfter = mailerSends();
        phase.peakInFlight = sendCloud.peakInFlight();
        Thread.sleep(1_000); // the last replies come back and are recorded before the next phase
    }

    /** Every call's recipient and arrival (epoch micros), in arrival order. */
    private Map<String, List<Long>> callsByEmail() {
        Map<String, List<Long>> byEmail = new HashMap<>();
        for (SendCloudStandIn.Call call : sendCloud.calls()) {
            String to = JSON.readTree(call.field("xsmtpapi")).path("to").path(0).asString("");
            byEmail.computeIfAbsent(to, k -> new ArrayList<>()).add(micros(call.receivedAt()));
        }
        return byEmail;
    }

    /** What the report shows of one phase. Rates are SendCloud calls per second; histograms hold microseconds. */
    record PhaseResult(String name, int produced, double offeredRate, double produceSeconds, long calls, long lost,
            long duplicates, double overallRate, List<Integer> perSecond, int steadyFrom, int steadyTo,
            double steadyMedian, int steadyMax, int steadyMin, double inFlightMedian, int inFlightPeak,
            Histogram delay, double drainSeconds, double mailerSendMs) {
    }

    private PhaseResult measure(Phase phase, Map<String, List<Long>> callsByEmail) {
        Histogram delay = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
        List<Long> arrivals = new ArrayList<>();
        long lost = 0;
        long duplicates = 0;
        for (Map.Entry<String, Long> produced : phase.producedAtMicros.entrySet()) {
            List<Long> calls = callsByEmail.get(produced.getKey());
            if (calls == null) {
                lost++;
                continue;
            }
            duplicates += calls.size() - 1;
            arrivals.addAll(calls);
            delay.recordValue(Math.min(delay.getHighestTrackableValue(), Math.max(0, calls.get(0) - produced.getValue())));
        }
        Collections.sort(arrivals);
        long first = arrivals.isEmpty() ? 0 : arrivals.get(0);
        long last = arrivals.isEmpty() ? 0 : arrivals.get(arrivals.size() - 1);
        int fullSeconds = (int) ((last - first) / 1_000_000);
        List<Integer> perSecond = new ArrayList<>(Collections.nCopies(fullSeconds, 0));
        for (long t : arrivals) {
            int second = (int) ((t - first) / 1_000_000);
            if (second < fullSeconds) {
                perSecond.set(second, perSecond.get(second) + 1);
            }
        }
        // the steady part: whole seconds, without the first (the mailer picks up the backlog) and the last
        int from = fullSeconds >= 3 ? 1 : 0;
        int to = fullSeconds >= 3 ? fullSeconds - 1 : fullSeconds;
        List<Integer> steady = new ArrayList<>(perSecond.subList(from, to));
        Collections.sort(steady);
        List<Long> inFlight = new ArrayList<>();
        for (long[] sample : inFlightSamples) {
            if (sample[0] >= first + from * 1_000_000L && sample[0] < first + to * 1_000_000L) {
                inFlight.add(sample[1]);
            }
        }
        Collections.sort(inFlight);
        double sends = phase.sendsAfter[0] - phase.sendsBefore[0];
        double sendSeconds = phase.sendsAfter[1] - phase.sendsBefore[1];
        return new PhaseResult(phase.name, phase.producedAtMicros.size(), phase.offeredRate,
                seconds(phase.firstProduced, phase.lastProduced), arrivals.size(), lost, duplicates,
                arrivals.size() / Math.max(0.001, (last - first) / 1e6), perSecond, from, to, median(steady),
                steady.isEmpty() ? 0 : steady.get(steady.size() - 1), steady.isEmpty() ? 0 : steady.get(0),
                median(inFlight), phase.peakInFlight, delay,
                Math.max(0, (last - micros(phase.lastProduced)) / 1e6), sends > 0 ? sendSeconds / sends * 1000 : Double.NaN);
    }

    private static double median(List<? extends Number> sorted) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2).doubleValue()
                : (sorted.get(n / 2 - 1).doubleValue() + sorted.get(n / 2).doubleValue()) / 2;
    }

    private void sampleInFlight() {
        while (sampling) {
            inFlightSamples.add(new long[] { micros(Instant.now()), sendCloud.inFlight() });
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    /** A process's peak RSS and its CPU seconds during each measured phase. */
    record ProcessRow(String name, long peakRssKb, List<Double> cpuPerPhase, double cpuTotal) {
    }

    private List<ProcessRow> processes(List<Phase> phases) {
        Map<String, Long> pids = pids();
        List<ProcessRow> rows = new ArrayList<>();
        for (Map.Entry<String, Long> p : pids.entrySet()) {
            ProcessStats stats = ProcessStats.of(p.getKey(), p.getValue());
            List<Double> perPhase = new ArrayList<>();
            for (Phase phase : phases) {
                perPhase.add(phase.cpuAfter.getOrDefault(p.getKey(), 0.0) - phase.cpuBefore.getOrDefault(p.getKey(), 0.0));
            }
            boolean database = p.getKey().startsWith("database");
            rows.add(new ProcessRow(p.getKey(), stats.peakRssKb(), perPhase, database ? Double.NaN : stats.cpuSeconds()));
        }
        return rows;
    }

    private Map<String, Long> pids() {
        Map<String, Long> pids = new LinkedHashMap<>();
        pids.put("mailer-service", mailer.pid());
        pids.put("kafka (broker JVM)", kafka.pid());
        pids.put("database server", Benchmark.databasePid());
        pids.put("benchmark JVM (producer, stand-in)", ProcessHandle.current().pid());
        return pids;
    }

    private Map<String, Double> cpu() {
        Map<String, Double> cpu = new HashMap<>();
        pids().forEach((name, pid) -> cpu.put(name, ProcessStats.of(name, pid).cpuSeconds()));
        return cpu;
    }

    /** {sends, seconds spent in them} of successful SendCloud calls, as the mailer itself times them. */
    private double[] mailerSends() {
        String body = prometheus();
        return new double[] { sample(body, "mailer_send_latency_seconds_count{"), sample(body, "mailer_send_latency_seconds_sum{") };
    }

    private static double sample(String body, String prefix) {
        return body.lines().filter(l -> l.startsWith(prefix) && l.contains("outcome=\"sent\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    /** Copies non-zero samples of a mailer counter into the report's notes. */
    private void scrape(String metric) {
        prometheus().lines().filter(l -> l.startsWith(metric) && !l.endsWith(" 0.0"))
                .forEach(l -> notes.put(l.substring(0, l.lastIndexOf(' ')), l.substring(l.lastIndexOf(' ') + 1)));
    }

    private String prometheus() {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(mailer.managementUrl() + "/actuator/prometheus"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
        }
        catch (IOException e) {
            notes.put("prometheus", e.toString());
            return "";
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static long micros(Instant instant) {
        return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000;
    }

    private static double seconds(Instant from, Instant to) {
        return Math.max(0.001, Duration.between(from, to).toNanos() / 1e9);
    }

    static void say(String message) {
        System.out.println(String.format(Locale.ROOT, "[mailer benchmark %tT] %s", Instant.now().toEpochMilli(), message));
    }
}
