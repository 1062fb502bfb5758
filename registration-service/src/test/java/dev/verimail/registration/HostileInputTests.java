package dev.verimail.registration;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.verimail.testbed.Hostile.Entry;
import dev.verimail.testbed.Hostile.RawResponse;
import dev.verimail.registration.user.Signup;
import dev.verimail.testbed.ServiceTest;
import dev.verimail.testbed.TestHttp;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;
import dev.verimail.testbed.Hostile;

/**
 * The hostile-input corpus against every endpoint of registration-service, on the running service with its real
 * database. For every input: no 5xx, no stack trace or exception text; rejected input stores nothing (users, outbox,
 * resend throttle); an accepted name is stored exactly as typed after trimming and shown escaped. The outbox relay
 * is off here, so the outbox row count says exactly what each request wrote.
 */
@ServiceTest(properties = "verimail.outbox.enabled=false")
class HostileInputTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final AtomicInteger EMAILS = new AtomicInteger();
    private static final AtomicInteger INPUTS = new AtomicInteger();

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate db;

    TestHttp http;

    @BeforeEach
    void setUp() {
        http = TestHttp.localhost(port);
    }

    @AfterAll
    static void theCorpusHasAtLeast200Inputs() {
        assertThat(INPUTS.get()).as("hostile inputs sent to registration-service").isGreaterThanOrEqualTo(200);
    }

    // ---- corpora ----

    static Stream<Entry> names() {
        List<Entry> entries = new ArrayList<>(Hostile.load("names.txt"));
        entries.add(generated("accept", "long", "😀".repeat(100)));
        entries.add(generated("accept", "long", "e\u0301".repeat(50)));
        entries.add(generated("reject", "long", "😀".repeat(101)));
        entries.add(generated("reject", "long", "x".repeat(1_000)));
        entries.add(generated("reject", "long", "\u0301".repeat(5_000)));
        return entries.stream();
    }

    static Stream<Entry> emails() {
        List<Entry> entries = new ArrayList<>(Hostile.load("emails.txt"));
        entries.add(generated("reject", "long", "a".repeat(64) + "@" + ("b".repeat(63) + ".").repeat(3) + "com"));
        entries.add(generated("reject", "long", "x".repeat(5_000) + "@example.com"));
        entries.add(generated("reject", "long", "a@" + "b".repeat(64) + ".com"));
        entries.add(generated("accept", "long", "hostile.max@" + "b".repeat(63) + "." + "c".repeat(63) + "."
                + "d".repeat(63) + "." + "e".repeat(32) + ".com"));
        return entries.stream();
    }

    static Stream<Entry> apiBodies() {
        return Stream.concat(
                Hostile.load("registration-bodies.txt").stream().map(e -> withPath(e, "/api/registrations")),
                Hostile.load("resend-bodies.txt").stream().map(e -> withPath(e, "/api/registrations/resend")));
    }

    static Stream<Entry> formBodies() {
        return Hostile.load("form-bodies.txt").stream();
    }

    private static Entry generated(String expect, String category, String value) {
        return new Entry(expect, category, List.of(value));
    }

    private static Entry withPath(Entry e, String path) {
        return new Entry(e.expect(), e.category(), List.of(path, e.value()));
    }

    private static String freshEmail() {
        return "hostile" + EMAILS.incrementAndGet() + "@example.com";
    }

    // ---- names ----

    @ParameterizedTest
    @MethodSource("names")
    void nameThroughTheApi(Entry entry) {
        String name = entry.text();
        ObjectNode body = JSON.createObjectNode().put("name", name).put("email", freshEmail());
        Counts before = counts();

        HttpResponse<String> response = send(http.postJson("/api/registrations", body.toString()));

        if (entry.expect().equals("accept")) {
            assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
            long id = JSON.readTree(response.body()).get("id").asLong();
            assertThat(storedName(id)).isEqualTo(Signup.trimName(name));
            assertThat(counts()).isEqualTo(before.plusSignup());
        }
        else {
            assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
            assertThat(JSON.readTree(response.body()).get("code").asString()).isEqualTo("invalid-input");
            assertThat(counts()).isEqualTo(before);
        }
    }

    @ParameterizedTest
    @MethodSource("names")
    void nameThroughTheForm(Entry entry) {
        String name = entry.text();
        Counts before = counts();

        String email = freshEmail();
        HttpResponse<String> response = send(http.postForm("/register", Map.of("name", name, "email", email)));

        if (entry.expect().equals("accept")) {
            assertThat(response.statusCode()).as(response.body()).isEqualTo(302);
            assertThat(counts()).isEqualTo(before.plusSignup());
            // the check-email page names nobody (no session); the form shown again for the now taken address
            // carries the name back, escaped
            HttpResponse<String> page = send(http.postForm("/register", Map.of("name", name, "email", email)));
            assertThat(page.statusCode()).isEqualTo(409);
            assertThat(page.body()).contains("value=\"" + Hostile.escaped(name) + "\"");
        }
        else if (response.statusCode() == 413) {
            assertThat(name.getBytes(StandardCharsets.UTF_8).length).as("only an overlong name is too large").isGreaterThan(2_000);
            assertThat(counts()).isEqualTo(before);
        }
        else {
            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(response.body()).contains("id=\"name-error\"");
            assertThat(counts()).isEqualTo(before);
        }
        assertNotInjected(response.body(), name);
    }

    // ---- emails ----

    @ParameterizedTest
    @MethodSource("emails")
    void emailThroughTheApi(Entry entry) {
        String email = entry.text();
        Counts before = counts();

        HttpResponse<String> response = send(http.postJson("/api/registrations",
                JSON.createObjectNode().put("name", "Email Tester").put("email", email).toString()));

        assertEmailOutcome(entry, email, before, response.statusCode(), 202);
    }

    @ParameterizedTest
    @MethodSource("emails")
    void emailThroughTheForm(Entry entry) {
        String email = entry.text();
        Counts before = counts();

        HttpResponse<String> response = send(http.postForm("/register", Map.of("name", "Email Tester", "email", email)));

        assertEmailOutcome(entry, email, before, response.statusCode(), 302);
        assertNotInjected(response.body(), email);
    }

    @ParameterizedTest
    @MethodSource("emails")
    void emailThroughTheResendApi(Entry entry) {
        String email = entry.text();
        Counts before = counts();

        HttpResponse<String> response = send(http.postJson("/api/registrations/resend",
                JSON.createObjectNode().put("email", email).toString()));

        assertResendOutcome(entry, before, response.statusCode());
    }

    @ParameterizedTest
    @MethodSource("emails")
    void emailThroughTheResendForm(Entry entry) {
        String email = entry.text();
        Counts before = counts();

        HttpResponse<String> response = send(http.postForm("/register/resend", Map.of("email", email)));

        assertResendOutcome(entry, before, response.statusCode());
        assertNotInjected(response.body(), email);
        send(http.get("/register/resend?email=" + TestHttp.enc(email)));
        assertNotInjected(http.get("/register/resend?email=" + TestHttp.enc(email)).body(), email);
    }

    private void assertEmailOutcome(Entry entry, String email, Counts before, int status, int created) {
        if (entry.expect().equals("accept")) {
            // each address is accepted once, whichever endpoint comes first; then it is taken
            assertThat(status).isIn(created, 409);
            String stored = db.queryForObject("SELECT email FROM users WHERE email_key = ?", String.class,
                    email.strip().toLowerCase(java.util.Locale.ROOT));
            assertThat(stored).isEqualTo(email.strip());
            assertThat(counts()).isIn(before, before.plusSignup());
        }
        else {
            assertThat(status).isEqualTo(400);
            assertThat(counts()).isEqualTo(before);
        }
    }

    private void assertResendOutcome(Entry entry, Counts before, int status) {
        if (entry.expect().equals("accept")) {
            assertThat(status).isIn(200, 202, 429);
        }
        else {
            assertThat(status).isEqualTo(400);
            assertThat(counts()).isEqualTo(before);
        }
    }

    // ---- raw bodies: JSON type confusion, malformed JSON, invalid UTF-8, forms ----

    @ParameterizedTest
    @MethodSource("apiBodies")
    void rawJsonBody(Entry entry) {
        Counts before = counts();
        byte[] body = Hostile.bytes(entry.value(), HostileInputTests::freshEmail);

        HttpResponse<String> response = send(http.send(HttpRequest.newBuilder(http.uri(entry.columns().get(0)))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body))));

        assertThat(Hostile.matches(entry.expect(), response.statusCode()))
                .as("%s answered %s: %s", entry, response.statusCode(), response.body()).isTrue();
        if (response.statusCode() >= 400) {
            assertThat(counts()).isEqualTo(before);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        }
    }

    @ParameterizedTest
    @MethodSource("formBodies")
    void rawFormBody(Entry entry) {
        Counts before = counts();
        byte[] body = Hostile.bytes(entry.value(), HostileInputTests::freshEmail);

        HttpResponse<String> response = send(http.send(HttpRequest.newBuilder(http.uri(entry.columns().get(0)))
                .header("Content-Type", entry.columns().get(1)).POST(HttpRequest.BodyPublishers.ofByteArray(body))));

        assertThat(Hostile.matches(entry.expect(), response.statusCode()))
                .as("%s answered %s: %s", entry, response.statusCode(), response.body()).isTrue();
        if (response.statusCode() >= 400) {
            assertThat(counts()).isEqualTo(before);
        }
    }

    // ---- huge bodies, deep nesting, malformed requests ----

    static Stream<String> hugeOrDeep() {
        return Stream.of(
                "{\"name\":\"" + "a".repeat(17_000) + "\",\"email\":\"huge@example.com\"}",
                "{\"name\":\"Ada\",\"email\":\"huge2@example.com\",\"pad\":\"" + "x".repeat(1_000_000) + "\"}",
                "{\"name\":" + "[".repeat(600) + "]".repeat(600) + ",\"email\":\"deep1@example.com\"}",
                "{\"name\":\"Deep\",\"email\":\"deep2@example.com\",\"x\":" + "[".repeat(2_000) + "]".repeat(2_000) + "}",
                "{\"name\":\"Deep\",\"email\":\"deep3@example.com\",\"x\":" + "{\"a\":".repeat(1_500) + "1"
                        + "}".repeat(1_500) + "}",
                "[".repeat(7_000));
    }

    @ParameterizedTest
    @MethodSource("hugeOrDeep")
    void hugeAndDeeplyNestedBodiesAreRefused(String body) {
        Counts before = counts();
        for (String path : List.of("/api/registrations", "/api/registrations/resend")) {
            HttpResponse<String> response = send(http.postJson(path, body));
            assertThat(response.statusCode()).as(Hostile.abbreviate(response.body())).isIn(400, 413);
            // chunked: no Content-Length, so the limit applies while reading
            HttpResponse<String> chunked = send(http.send(HttpRequest.newBuilder(http.uri(path))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofInputStream(
                            () -> new java.io.ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8))))));
            assertThat(chunked.statusCode()).isIn(400, 413);
        }
        assertThat(counts()).isEqualTo(before);
    }

    static Stream<String> malformedRequests() {
        String longPath = "/register?x=" + "a".repeat(20_000);
        return Stream.of(
                "GET /register?name=%zz HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /register/resend?email=%zz HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /register/resend?email=%E2%82 HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /register/resend?email=%FF%FE%00 HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /register/resend?email=<script>alert(1)</script> HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /register/resend?email=a&email=b&&&=&%= HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /api/registrations/%zz HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /api/registrations/1?x=%zz HTTP/1.1\r\nHost: x\r\n\r\n",
                "POST /api/registrations/resend?email=%zz HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 8\r\n\r\nemail=%z",
                "GET /api/registrations/1%00 HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /api/registrations/-1 HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /api/registrations/99999999999999999999999 HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /api/registrations/1e3 HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /api/registrations/1;drop%20table%20users HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /api/registrations/1' HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /api/registrations/%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /register/../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /register%00.html HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /register%0d%0aSet-Cookie:%20x=y HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET //register HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /reg ister HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /register\u0001 HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET " + longPath + " HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /register HTTP/1.1\r\nHost: x\r\nX-Long: " + "h".repeat(20_000) + "\r\n\r\n",
                "GET /register HTTP/9.9\r\nHost: x\r\n\r\n",
                "GET /register HTTP/1.1\r\n\r\n",
                "GET http://evil.example/register HTTP/1.1\r\nHost: x\r\n\r\n",
                "G\tET /register HTTP/1.1\r\nHost: x\r\n\r\n",
                "TRACE /register HTTP/1.1\r\nHost: x\r\n\r\n",
                "DELETE /api/registrations/1 HTTP/1.1\r\nHost: x\r\n\r\n",
                "PUT /api/registrations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}",
                "GET /register HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n",
                "GET /register HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n",
                "GET /register HTTP/1.1\nHost: x\n\n",
                "POST /api/registrations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10\r\nContent-Length: 20\r\n\r\n{\"name\":1}",
                "POST /api/registrations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: -5\r\n\r\n{}",
                "POST /api/registrations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 99999999999999999999\r\n\r\n{}",
                "POST /api/registrations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"name\":",
                "POST /api/registrations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
                "POST /api/registrations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: gzip\r\n\r\n{}",
                "POST /api/registrations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: 4\r\n\r\n\u001f\u008b\u0000\u0000",
                "POST /api/registrations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json; charset=bogus-charset\r\nContent-Length: 2\r\n\r\n{}",
                "POST /api/registrations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json; charset=utf-16\r\nContent-Length: 2\r\n\r\n{}",
                "POST /api/registrations HTTP/1.1\r\nHost: x\r\nContent-Type: ;;;==\r\nContent-Length: 2\r\n\r\n{}",
                "POST /api/registrations HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\n{}",
                "POST /api/registrations HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}",
                "POST /api/registrations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAccept: text/html\r\nContent-Length: 2\r\n\r\n{}",
                "POST /api/registrations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAccept: image/png\r\nContent-Length: 2\r\n\r\n{}",
                "POST /register HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded; charset=bogus-charset\r\nContent-Length: 17\r\n\r\nname=a&email=b@c.d",
                "POST /register HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 99999\r\n\r\nname=a",
                "GET /register HTTP/1.1\r\nHost: x\r\nCookie: JSESSIONID=../../../../etc/passwd; x=\u0000\r\n\r\n",
                "GET /register HTTP/1.1\r\nHost: x\r\nAccept-Language: \u00ff\u00fe;q=abc\r\n\r\n",
                "GET /register HTTP/1.1\r\nHost: x\r\nAccept: */*;q=NaN\r\n\r\n",
                "GET /register HTTP/1.1\r\nHost: x\r\nRange: bytes=99999999999999999999-\r\n\r\n",
                "GET /css/verimail.css HTTP/1.1\r\nHost: x\r\nRange: bytes=-1,-2,-3,0-,5-1\r\n\r\n",
                "GET /css/..%2f..%2fapplication.yml HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /css/%2e%2e/%2e%2e/application.yml HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /actuator/env HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /actuator/heapdump HTTP/1.1\r\nHost: x\r\n\r\n",
                // garbage Authorization: never a 5xx, never a way in
                "GET /api/registrations/1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer\r\n\r\n",
                "GET /api/registrations/1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \u00ff\u00fe\u0000\r\n\r\n",
                "GET /api/registrations/1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + "A".repeat(7_000) + "\r\n\r\n",
                "GET /api/registrations/1 HTTP/1.1\r\nHost: x\r\nAuthorization: Basic Og==\r\n\r\n",
                "GET /api/registrations/1 HTTP/1.1\r\nHost: x\r\nAuthorization: bearer a b c\r\nAuthorization: Bearer x\r\n\r\n",
                "DELETE /api/registrations/1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer eyJhbGciOiJub25lIn0.e30.\r\n\r\n",
                // spoofed X-Forwarded-For from an address that is not a trusted proxy: ignored
                "POST /api/registrations/resend HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Forwarded-For: 127.0.0.1, ::1, \u00ff, 999.1.1.1, -\r\nContent-Length: 2\r\n\r\n{}",
                "POST /api/registrations/resend HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Forwarded-For: " + "1.2.3.4,".repeat(900) + "\r\nContent-Length: 2\r\n\r\n{}");
    }

    @ParameterizedTest
    @MethodSource("malformedRequests")
    void malformedRequestsAnswer4xxWithoutATrace(String request) {
        Counts before = counts();
        String head = request.contains("\r\n\r\n") || request.contains("\n\n") ? request : request;
        byte[] bytes = Hostile.request(head.replace("Host: x\r\n", "Host: x\r\nConnection: close\r\n"), new byte[0]);

        RawResponse response = send(Hostile.raw(port, bytes));

        if (request.startsWith("GET /register HTTP/9.9") || request.contains("Transfer-Encoding: gzip")) {
            // Tomcat answers these before the application sees them, with the status HTTP prescribes:
            // 505 HTTP Version Not Supported, 501 for a transfer coding it does not implement
            assertThat(response.status()).isIn(0, 400, 501, 505);
        }
        else if (response.status() != 0) {
            assertThat(response.status()).as(Hostile.abbreviate(response.text())).isBetween(200, 499);
        }
        Hostile.assertNoServerErrorNorLeak(200, response.text());
        assertThat(counts()).isEqualTo(before);
    }

    // ---- helpers ----

    private static HttpResponse<String> send(HttpResponse<String> response) {
        INPUTS.incrementAndGet();
        Hostile.assertNoServerErrorNorLeak(response.statusCode(), response.body());
        return response;
    }

    private static RawResponse send(RawResponse response) {
        INPUTS.incrementAndGet();
        return response;
    }

    /** Markup in the input appears escaped, never as markup. */
    private static void assertNotInjected(String page, String input) {
        if (input.contains("<") || input.contains("\"") || input.contains("'")) {
            assertThat(page).doesNotContain(input.strip());
        }
        assertThat(page).doesNotContain("<script>alert").doesNotContain("<img src=x").doesNotContain("<svg/onload");
    }

    private String storedName(long id) {
        return db.queryForObject("SELECT name FROM users WHERE id = ?", String.class, id);
    }

    private Counts counts() {
        return new Counts(count("users"), count("outbox_event"), count("resend_throttle"));
    }

    private int count(String table) {
        Integer n = db.queryForObject("SELECT COUNT(*) FROM " + table, Integer.class);
        return n == null ? 0 : n;
    }

    record Counts(int users, int outbox, int throttle) {

        Counts plusSignup() {
            return new Counts(users + 1, outbox + 1, throttle);
        }
    }
}
