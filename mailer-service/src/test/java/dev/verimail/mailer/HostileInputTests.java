package dev.verimail.mailer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.verimail.events.registration.UserRegistered;
import dev.verimail.testbed.Hostile.Entry;
import dev.verimail.testbed.Hostile.RawResponse;
import dev.verimail.testbed.ServiceTest;
import dev.verimail.testbed.TestHttp;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import dev.verimail.testbed.Hostile;

/**
 * The hostile-input corpus against mailer-service's HTTP surface (the built-in inbox {@code /inbox},
 * {@code /api/inbox?to=}, {@code /api/deliveries?email=}) and hostile names arriving in events: never a 5xx or a
 * trace, reading stores nothing, every name is kept exactly and shown escaped. Also the security headers.
 */
@ServiceTest(properties = { "mailer.transport=inbox",
        "mailer.verification-url=http://localhost:8082/verify" })
class HostileInputTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final AtomicInteger INPUTS = new AtomicInteger();
    static final String CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
            + "frame-ancestors 'none'; base-uri 'none'";
    static final String INBOX_CSP = "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self'; "
            + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Value("${spring.kafka.bootstrap-servers}")
    String bootstrapServers;

    TestHttp http;

    @BeforeEach
    void setUp() {
        http = TestHttp.localhost(port);
    }

    @AfterAll
    static void theCorpusHasAtLeast200Inputs() {
        assertThat(INPUTS.get()).as("hostile inputs sent to mailer-service").isGreaterThanOrEqualTo(200);
    }

    static Stream<Entry> queries() {
        return Hostile.load("queries.txt").stream();
    }

    @ParameterizedTest
    @MethodSource("queries")
    void hostileQueriesReadNothingAndStoreNothing(Entry entry) {
        String value = entry.text();
        int[] before = counts();

        HttpResponse<String> inbox = send(http.get("/inbox?to=" + TestHttp.enc(value)));
        HttpResponse<String> api = send(http.get("/api/inbox?to=" + TestHttp.enc(value)));
        HttpResponse<String> deliveries = send(http.asOperator().get("/api/deliveries?email=" + TestHttp.enc(value)));

        assertThat(inbox.statusCode()).isEqualTo(200);
        assertThat(api.statusCode()).isEqualTo(200);
        assertThat(deliveries.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(deliveries.body()).isArray()).isTrue();
        if (value.contains("<") || value.contains("\"")) {
            assertThat(inbox.body()).doesNotContain(value.strip());
        }
        assertThat(inbox.body()).doesNotContain("<script>alert").doesNotContain("<img src=x");
        assertThat(counts()).isEqualTo(before);
    }

    static Stream<String> malformedRequests() {
        return Stream.of(
                "GET /inbox?to=%zz HTTP/1.1\r\n",
                "GET /inbox?to=% HTTP/1.1\r\n",
                "GET /inbox?to=%E2%82 HTTP/1.1\r\n",
                "GET /inbox?to=%FF%FE%00 HTTP/1.1\r\n",
                "GET /inbox?to=<script>alert(1)</script> HTTP/1.1\r\n",
                "GET /inbox?to=a&to=b HTTP/1.1\r\n",
                "GET /inbox?to=" + "a".repeat(20_000) + " HTTP/1.1\r\n",
                "GET /api/inbox?to=%zz HTTP/1.1\r\n",
                "GET /api/inbox?to=a%0d%0aX-Injected:%201 HTTP/1.1\r\n",
                "GET /api/deliveries HTTP/1.1\r\n",
                "GET /api/deliveries?email HTTP/1.1\r\n",
                "GET /api/deliveries?email=%zz HTTP/1.1\r\n",
                "GET /api/deliveries?email=a&email=b HTTP/1.1\r\n",
                "GET /api/deliveries?email=%C0%AF HTTP/1.1\r\n",
                "GET /api/deliveries?" + "x=1&".repeat(3_000) + "email=a HTTP/1.1\r\n",
                "GET /api/deliveries?email=a HTTP/1.1\r\nAccept: image/png\r\n",
                "GET /api/deliveries/../../etc/passwd HTTP/1.1\r\n",
                "GET /inbox%00 HTTP/1.1\r\n",
                "GET /in box HTTP/1.1\r\n",
                "GET /inbox HTTP/1.1\r\nX-Long: " + "h".repeat(20_000) + "\r\n",
                "GET /inbox HTTP/1.1\r\nBad Header: x\r\n",
                "POST /inbox HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}",
                "POST /api/deliveries HTTP/1.1\r\nContent-Type: multipart/form-data\r\nContent-Length: 2\r\n\r\n{}",
                "DELETE /api/inbox HTTP/1.1\r\n",
                "TRACE /inbox HTTP/1.1\r\n",
                "GET http://evil.example/inbox HTTP/1.1\r\n",
                "GET /css/..%2f..%2fapplication.yml HTTP/1.1\r\n",
                "GET /actuator/env HTTP/1.1\r\n");
    }

    @ParameterizedTest
    @MethodSource("malformedRequests")
    void malformedRequestsAnswer4xxWithoutATrace(String request) {
        int[] before = counts();
        int headEnd = request.indexOf("\r\n\r\n");
        String head = headEnd < 0 ? request : request.substring(0, headEnd + 2);
        String body = headEnd < 0 ? "" : request.substring(headEnd + 4);
        String full = head + "Host: x\r\nConnection: close\r\n\r\n" + body;

        RawResponse response = send(Hostile.raw(port, full.getBytes(StandardCharsets.ISO_8859_1)));

        if (response.status() != 0) {
            assertThat(response.status()).as(Hostile.abbreviate(response.text())).isBetween(200, 499);
        }
        Hostile.assertNoServerErrorNorLeak(200, response.text());
        assertThat(response.text()).doesNotContain("<script>alert(1)").doesNotContain("X-Injected: 1");
        assertThat(counts()).isEqualTo(before);
    }

    /** Every name, also those registration refuses, is kept exactly and shown escaped. */
    @Test
    void hostileNamesInEventsAreKeptExactlyAndShownEscaped() {
        List<Entry> names = new ArrayList<>(Hostile.load("names.txt"));
        List<UserRegistered> published = new ArrayList<>();
        try (Events events = new Events(bootstrapServers)) {
            for (int i = 0; i < names.size(); i++) {
                UserRegistered event = Events.registered(Events.newUserId(), names.get(i).text(),
                        "hostile-name-" + i + "@example.com", "tok-" + i, "auth-" + i);
                events.publish(event);
                published.add(event);
            }
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> count("inbox_message") >= names.size());

        for (UserRegistered event : published) {
            HttpResponse<String> api = send(http.get("/api/inbox?to=" + TestHttp.enc(event.email())));
            JsonNode messages = JSON.readTree(api.body());
            assertThat(messages).hasSize(1);
            assertThat(messages.get(0).get("name").asString()).as(event.email()).isEqualTo(event.name());

            HttpResponse<String> inbox = send(http.get("/inbox?to=" + TestHttp.enc(event.email())));
            assertThat(inbox.body()).contains("for <span>" + Hostile.escaped(event.name()) + "</span>");
            assertThat(inbox.body()).doesNotContain("<script>alert").doesNotContain("<img src=x")
                    .doesNotContain("<svg/onload");
            assertSecurityHeaders(inbox.headers(), INBOX_CSP);
        }
    }

    @Test
    void everyResponseCarriesTheSecurityHeaders() {
        for (HttpResponse<String> response : List.of(http.get("/inbox"), http.get("/api/inbox"),
                http.asOperator().get("/api/deliveries?email=x@example.com"), http.asOperator().get("/api/deliveries"),
                http.send(HttpRequest.newBuilder(http.uri("/no-such-page")).header("Accept", "text/html")))) {
            assertSecurityHeaders(response.headers(),
                    response.uri().getPath().equals("/inbox") ? INBOX_CSP : CSP);
            assertThat(response.headers().firstValue("Cache-Control")).as(response.uri().toString()).hasValue("no-store");
        }
        HttpResponse<String> css = http.get("/css/inbox.css");
        assertThat(css.statusCode()).isEqualTo(200);
        assertThat(css.headers().firstValue("Cache-Control").orElse("")).doesNotContain("no-store");
    }

    /** Pages have no inline style or script (the email body in the inbox's sandboxed frame aside). */
    @Test
    void pageTemplatesHaveNoInlineStyleOrScript() throws IOException {
        for (String template : List.of("inbox.html", "error.html")) {
            assertThat(Files.readString(Path.of("src/main/resources/templates", template))).as(template)
                    .doesNotContain("<style").doesNotContain("style=").doesNotContain("<script")
                    .doesNotContainPattern("\\son[a-z]+=");
        }
    }

    private static void assertSecurityHeaders(HttpHeaders headers, String csp) {
        assertThat(headers.firstValue("Content-Security-Policy")).hasValue(csp);
        assertThat(headers.firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(headers.firstValue("Referrer-Policy")).hasValue("no-referrer");
        assertThat(headers.firstValue("X-Frame-Options")).hasValue("DENY");
    }

    private static HttpResponse<String> send(HttpResponse<String> response) {
        INPUTS.incrementAndGet();
        Hostile.assertNoServerErrorNorLeak(response.statusCode(), response.body());
        return response;
    }

    private static RawResponse send(RawResponse response) {
        INPUTS.incrementAndGet();
        return response;
    }

    private int[] counts() {
        return new int[] { count("delivery"), count("inbox_message") };
    }

    private int count(String table) {
        Integer n = jdbc.queryForObject("SELECT COUNT(*) FROM " + table, Integer.class);
        return n == null ? 0 : n;
    }
}
