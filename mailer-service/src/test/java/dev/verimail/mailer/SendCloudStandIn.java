package dev.verimail.mailer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real HTTP server in SendCloud's place: records every call to {@code /apiv2/mail/sendtemplate} (form fields and
 * the parsed {@code xsmtpapi}) and answers as scripted per recipient, or by rules, else with success.
 */
final class SendCloudStandIn implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** One request as SendCloud would have received it, and whether it was answered with success. */
    record Call(Map<String, String> form, JsonNode xsmtpapi, boolean succeeded) {

        String to() {
            return xsmtpapi.path("to").get(0).asString();
        }

        String name() {
            return xsmtpapi.path("sub").path("%name%").get(0).asString();
        }

        /** The link; empty for a notice, which has none. */
        String url() {
            JsonNode url = xsmtpapi.path("sub").path("%url%").path(0);
            return url.isMissingNode() ? "" : url.asString();
        }
    }

    /** How to answer one call. */
    record Reply(int status, String body, Duration delay) {

        boolean success() {
            return status == 200 && body.contains("\"result\":true");
        }

        static Reply ok(String emailId) {
            return new Reply(200, "{\"result\":true,\"statusCode\":200,\"message\":\"请求成功\",\"info\":{\"emailIdList\":[\""
                    + emailId + "\"]}}", Duration.ZERO);
        }

        static Reply error(int code, String message) {
            return new Reply(200, "{\"result\":false,\"statusCode\":" + code + ",\"message\":\"" + message
                    + "\",\"info\":{}}", Duration.ZERO);
        }

        static Reply http(int status) {
            return new Reply(status, "<html>Service Unavailable</html>", Duration.ZERO);
        }

        Reply after(Duration delay) {
            return new Reply(status, body, delay);
        }
    }

    private record Rule(Predicate<Call> when, Reply reply) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Map<String, Deque<Reply>> scripts = new ConcurrentHashMap<>();
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final AtomicLong ids = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();

    private SendCloudStandIn() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 100);
        server.setExecutor(executor);
        server.createContext("/apiv2/mail/sendtemplate", this::handle);
        server.start();
    }

    static SendCloudStandIn start() {
        try {
            return new SendCloudStandIn();
        }
        catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The next calls for {@code to} get these replies, in order; later ones succeed. */
    void script(String to, Reply... replies) {
        scripts.computeIfAbsent(to, k -> new ArrayDeque<>()).addAll(List.of(replies));
    }

    /** Every call that matches gets {@code reply} until the returned handle is run. */
    Runnable whenever(Predicate<Call> when, Reply reply) {
        Rule rule = new Rule(when, reply);
        rules.add(rule);
        return () -> rules.remove(rule);
    }

    List<Call> calls(String to) {
        return calls.stream().filter(c -> c.to().equals(to)).toList();
    }

    List<Call> calls(Predicate<Call> match) {
        return calls.stream().filter(match).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        try (exchange) {
            Map<String, String> form = parse(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            JsonNode xsmtpapi = JSON.readTree(form.getOrDefault("xsmtpapi", "{}"));
            Call probe = new Call(form, xsmtpapi, false);
            Reply reply = reply(probe);
            calls.add(new Call(form, xsmtpapi, reply.success()));
            if (!reply.delay().isZero()) {
                Thread.sleep(reply.delay().toMillis());
            }
            byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json;charset=UTF-8");
            exchange.sendResponseHeaders(reply.status(), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        catch (IOException e) {
            // the client gave up (read timeout): nothing to answer
        }
        finally {
            inFlight.decrementAndGet();
        }
    }

    /** The most calls that were being answered at one time since the last reset. */
    int maxInFlight() {
        return maxInFlight.get();
    }

    void resetMaxInFlight() {
        maxInFlight.set(inFlight.get());
    }

    private Reply reply(Call call) {
        for (Rule rule : rules) {
            if (rule.when().test(call)) {
                return rule.reply();
            }
        }
        Deque<Reply> script = scripts.get(call.to());
        if (script != null) {
            synchronized (script) {
                Reply next = script.poll();
                if (next != null) {
                    return next;
                }
            }
        }
        return Reply.ok("sc-" + ids.incrementAndGet() + "-" + call.to());
    }

    private static Map<String, String> parse(String body) {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return form;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
