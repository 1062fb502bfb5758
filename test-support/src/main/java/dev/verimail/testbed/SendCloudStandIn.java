package dev.verimail.testbed;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP server that answers like SendCloud's {@code POST /apiv2/mail/sendtemplate}, records every call's form
 * fields, and can be told to reply late or fail. Replies are delayed without holding a thread, so it can keep
 * thousands of calls in flight (benchmarks use that, and read how many are with {@link #inFlight()}).
 */
public final class SendCloudStandIn implements AutoCloseable {

    public static final String PATH = "/apiv2/mail/sendtemplate";
    /** The template send of SendCloud's Singapore service ({@code SENDCLOUD_REGION=sgp}). */
    public static final String SGP_PATH = "/email/sendtemplate";

    /** A recorded call: when it arrived and its decoded form fields. */
    public record Call(Instant receivedAt, Map<String, String> form, String path) {

        public String field(String name) {
            return form.get(name);
        }

        /** The recipient, from {@code xsmtpapi}'s {@code to}. */
        public String to() {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"to\"\\s*:\\s*\\[\\s*\"([^\"]+)\"")
                    .matcher(form.getOrDefault("xsmtpapi", ""));
            return m.find() ? m.group(1) : null;
        }
    }

    /** One email accepted: the call and SendCloud's email id for it (what its webhooks name as {@code emailId}). */
    public record Accepted(Call call, String emailId) {
    }

    /** What to answer: an HTTP status and a JSON body. */
    public record Reply(int status, String body) {

        public static Reply success() {
            return new Reply(200, "{\"result\":true,\"statusCode\":200,\"message\":\"请求成功\",\"info\":{\"emailIdList\":[\""
                    + UUID.randomUUID() + "@sendcloud.example\"]}}");
        }

        public static Reply failure(int statusCode, String message) {
            return new Reply(200, "{\"result\":false,\"statusCode\":" + statusCode + ",\"message\":\"" + message + "\",\"info\":{}}");
        }

        public static Reply httpError(int status) {
            return new Reply(status, "{\"error\":\"unavailable\"}");
        }
    }

    private final HttpServer server;
    private final ScheduledExecutorService scheduler;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private volatile Duration latency = Duration.ZERO;
    private volatile Function<Call, Reply> replies = call -> Reply.success();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger peakInFlight = new AtomicInteger();
    private final List<Accepted> accepted = new CopyOnWriteArrayList<>();
    private volatile SendCloudWebhooks webhooks;
    private volatile Function<Call, List<String>> reports = call -> List.of();
    private volatile Duration retryEvery = Duration.ofSeconds(1);
    private final List<java.net.http.HttpResponse<String>> webhookAnswers = new CopyOnWriteArrayList<>();

    static {
        // Without TCP_NODELAY the JDK server writes a reply's headers and body as two segments, and Nagle's algorithm
        // holds the body until the client's delayed ACK: ~45 ms more per call (a 200 ms stand-in answered in ~245 ms).
        // SendCloud's servers do not do that. Read once, when the JDK's server classes load: set it before any
        // HttpServer of this JVM is created.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private SendCloudStandIn(int port, int threads) {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 1024);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        scheduler = Executors.newScheduledThreadPool(threads);
        server.setExecutor(Executors.newFixedThreadPool(threads));
        server.createContext(PATH, this::handle);
        server.createContext(SGP_PATH, this::handle);
        server.start();
    }

    public static SendCloudStandIn start() {
        return new SendCloudStandIn(0, 4);
    }

    public static SendCloudStandIn start(int port, int threads) {
        return new SendCloudStandIn(port, threads);
    }

    /**
     * The value for {@code SENDCLOUD_BASE_URL}. It is plain http: the mailer then needs {@code MAILER_TRANSPORT=sendcloud}
     * and {@code SENDCLOUD_ALLOW_HTTP=true}, or it refuses to start.
     */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public SendCloudStandIn latency(Duration latency) {
        this.latency = latency;
        return this;
    }

    public SendCloudStandIn replies(Function<Call, Reply> replies) {
        this.replies = replies;
        return this;
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    /** Calls received and not yet answered, right now. */
    public int inFlight() {
        return inFlight.get();
    }

    /** The most calls that were received and not yet answered at one time, since start or {@link #resetPeakInFlight()}. */
    public int peakInFlight() {
        return peakInFlight.get();
    }

    public void resetPeakInFlight() {
        peakInFlight.set(inFlight.get());
    }

    /**
     * After each email it accepts, posts the events {@code events} gives for it (e.g. {@code deliver}, or
     * {@code invalid} for a bad address) to {@code webhooks}, in order, a moment after the reply, as SendCloud does.
     * An answer other than 200 is retried every {@code retryEvery} (SendCloud waits 1, 2, 4, 8, 16 minutes), at most
     * five times. Events with a sub-status are written {@code name:code}, e.g. {@code invalid:406}.
     */
    public SendCloudStandIn reportTo(SendCloudWebhooks webhooks, Duration retryEvery, Function<Call, List<String>> events) {
        this.webhooks = webhooks;
        this.retryEvery = retryEvery;
        this.reports = events;
        return this;
    }

    /** Every email accepted so far, with its email id. */
    public List<Accepted> accepted() {
        return List.copyOf(accepted);
    }

    /** The email id SendCloud gave the last email it accepted for {@code recipient}, or null. */
    public String emailIdFor(String recipient) {
        String id = null;
        for (Accepted a : accepted) {
            if (recipient.equalsIgnoreCase(a.call().to())) {
                id = a.emailId();
            }
        }
        return id;
    }

    /** The mailer's answers to the webhooks posted by {@link #reportTo}, retries included. */
    public List<java.net.http.HttpResponse<String>> webhookAnswers() {
        return List.copyOf(webhookAnswers);
    }

    private void report(Call call, String emailId) {
        SendCloudWebhooks target = webhooks;
        if (target == null) {
            return;
        }
        List<String> events = reports.apply(call);
        scheduler.schedule(() -> {
            for (String event : events) {
                String[] parts = event.split(":", 2);
                Map<String, String> extra = parts.length == 2 ? Map.of("subStat", parts[1], "message",
                        "550 5.1.1 user unknown") : Map.of();
                Map<String, String> fields = target.fields(parts[0], emailId, call.to(), Instant.now(),
                        SendCloudWebhooks.token(), extra);
                for (int attempt = 0; attempt < 6; attempt++) {
                    try {
                        java.net.http.HttpResponse<String> answer = target.post(fields);
                        webhookAnswers.add(answer);
                        if (answer.statusCode() == 200) {
                            break;
                        }
                    }
                    catch (RuntimeException unreachable) {
                        // the mailer is down: SendCloud tries again later
                    }
                    try {
                        Thread.sleep(retryEvery.toMillis());
                    }
                    catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }, 100, TimeUnit.MILLISECONDS);
    }

    public void reset() {
        accepted.clear();
        webhookAnswers.clear();
        webhooks = null;
        calls.clear();
        replies = call -> Reply.success();
        latency = Duration.ZERO;
    }

    private void handle(HttpExchange exchange) throws IOException {
        Map<String, String> form;
        try (InputStream in = exchange.getRequestBody()) {
            form = decode(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        Call call = new Call(Instant.now(), form, exchange.getRequestURI().getPath());
        calls.add(call);
        Reply reply = replies.apply(call);
        java.util.regex.Matcher id = java.util.regex.Pattern.compile("\"result\"\\s*:\\s*true.*\"emailIdList\"\\s*:\\s*\\[\\s*\"([^\"]+)\"")
                .matcher(reply.body());
        if (id.find()) {
            accepted.add(new Accepted(call, id.group(1)));
            report(call, id.group(1));
        }
        peakInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        long delay = latency.toMillis();
        if (delay <= 0) {
            respond(exchange, reply);
        }
        else {
            scheduler.schedule(() -> respond(exchange, reply), delay, TimeUnit.MILLISECONDS);
        }
    }

    private void respond(HttpExchange exchange, Reply reply) {
        try {
            byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json;charset=utf-8");
            exchange.sendResponseHeaders(reply.status(), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
        catch (IOException e) {
            // the client gave up (timeout test); nothing to do
        }
        finally {
            exchange.close();
            inFlight.decrementAndGet();
        }
    }

    static Map<String, String> decode(String body) {
        Map<String, String> form = new LinkedHashMap<>();
        if (body.isEmpty()) {
            return form;
        }
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            form.put(key, value);
        }
        return form;
    }

    @Override
    public void close() {
        server.stop(0);
        scheduler.shutdownNow();
    }
}
