package dev.verimail.verification;

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
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.verimail.events.registration.UserRegistered;
import dev.verimail.testbed.ServiceTest;
import dev.verimail.testbed.TestHttp;
import dev.verimail.testbed.Hostile.Entry;
import dev.verimail.testbed.Hostile.RawResponse;
import tools.jackson.databind.json.JsonMapper;
import dev.verimail.testbed.Hostile;

/**
 * The hostile-input corpus against the verify link (GET and POST {@code /verify}) and {@code POST /api/verifications},
 * with one real challenge issued: every hostile value takes the place of the token or the authcode while the other
 * is the issued one. Never a 5xx or a trace; nothing verified, nothing written to the outbox; the pages never echo
 * the input. The outbox relay is off here, so the outbox row count is exact.
 */
@ServiceTest(properties = "verimail.outbox.enabled=false")
class HostileInputTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final AtomicInteger INPUTS = new AtomicInteger();

    static UserRegistered issued;

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
        if (issued == null) {
            issued = TestEvents.registered("hostile@example.com");
            try (TestEvents events = new TestEvents(bootstrapServers)) {
                events.publish(issued);
            }
            new TestDb(jdbc).awaitChallenge(issued.token());
        }
    }

    @AfterAll
    static void theCorpusHasAtLeast200Inputs() {
        issued = null;
        assertThat(INPUTS.get()).as("hostile inputs sent to verification-service").isGreaterThanOrEqualTo(200);
    }

    static Stream<Entry> linkParts() {
        List<Entry> entries = new ArrayList<>(Hostile.load("link-parts.txt"));
        entries.add(new Entry("invalid", "long", List.of("A".repeat(257))));
        entries.add(new Entry("invalid", "long", List.of("A".repeat(5_000))));
        entries.add(new Entry("invalid", "long", List.of("{{ISSUED}}".repeat(20))));
        entries.add(new Entry("invalid", "mutation", List.of("{{SWAPPED}}")));
        return entries.stream();
    }

    static Stream<Entry> apiBodies() {
        return Hostile.load("verification-bodies.txt").stream();
    }

    /** The hostile value for one place: the token's or the authcode's, as text. */
    private static String value(Entry entry, boolean forToken) {
        String issuedValue = forToken ? issued.token() : issued.authcode();
        String swapped = forToken ? issued.authcode() : issued.token();
        String raw = entry.value().replace("{{ISSUED}}", issuedValue).replace("{{SWAPPED}}", swapped);
        return new String(Hostile.bytes(raw, () -> ""), StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @MethodSource("linkParts")
    void hostileTokenOrAuthcodeInTheLinkOpensNothing(Entry entry) {
        for (boolean forToken : new boolean[] { true, false }) {
            String token = forToken ? value(entry, true) : issued.token();
            String authcode = forToken ? issued.authcode() : value(entry, false);
            State before = state();

            HttpResponse<String> page = send(http.get("/verify?token=" + TestHttp.enc(token) + "&authcode="
                    + TestHttp.enc(authcode)));

            assertPage(entry, page, token, authcode);
            assertThat(state()).isEqualTo(before);
        }
    }

    @ParameterizedTest
    @MethodSource("linkParts")
    void hostileTokenOrAuthcodeInTheConfirmFormVerifiesNobody(Entry entry) {
        for (boolean forToken : new boolean[] { true, false }) {
            String token = forToken ? value(entry, true) : issued.token();
            String authcode = forToken ? issued.authcode() : value(entry, false);
            State before = state();

            HttpResponse<String> page = send(http.postForm("/verify", Map.of("token", token, "authcode", authcode)));

            assertPage(entry, page, token, authcode);
            assertThat(state()).isEqualTo(before);
        }
    }

    @ParameterizedTest
    @MethodSource("linkParts")
    void hostileTokenOrAuthcodeThroughTheApiVerifiesNobody(Entry entry) {
        for (boolean forToken : new boolean[] { true, false }) {
            String token = forToken ? value(entry, true) : issued.token();
            String authcode = forToken ? issued.authcode() : value(entry, false);
            State before = state();

            HttpResponse<String> answer = send(http.postJson("/api/verifications",
                    JSON.createObjectNode().put("token", token).put("authcode", authcode).toString()));

            assertThat(answer.statusCode()).isEqualTo(entry.expect().equals("blank") ? 400 : 404);
            assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(state()).isEqualTo(before);
        }
    }

    @ParameterizedTest
    @MethodSource("apiBodies")
    void rawApiBody(Entry entry) {
        State before = state();
        String raw = entry.value().replace("{{TOKEN}}", issued.token()).replace("{{AUTHCODE}}", issued.authcode());

        HttpResponse<String> answer = send(http.send(HttpRequest.newBuilder(http.uri("/api/verifications"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Hostile.bytes(raw, () -> "")))));

        assertThat(Hostile.matches(entry.expect(), answer.statusCode()))
                .as("%s answered %s: %s", entry, answer.statusCode(), answer.body()).isTrue();
        assertThat(state()).isEqualTo(before);
    }

    static Stream<String> hugeOrDeep() {
        return Stream.of(
                "{\"token\":\"" + "a".repeat(17_000) + "\",\"authcode\":\"b\"}",
                "{\"token\":\"a\",\"authcode\":\"b\",\"pad\":\"" + "x".repeat(1_000_000) + "\"}",
                "{\"token\":" + "[".repeat(600) + "]".repeat(600) + ",\"authcode\":\"b\"}",
                "{\"token\":\"a\",\"authcode\":\"b\",\"x\":" + "[".repeat(3_000) + "]".repeat(3_000) + "}",
                "{\"token\":\"a\",\"authcode\":\"b\",\"x\":" + "{\"a\":".repeat(1_500) + "1" + "}".repeat(1_500) + "}",
                "[".repeat(7_000));
    }

    @ParameterizedTest
    @MethodSource("hugeOrDeep")
    void hugeAndDeeplyNestedBodiesAreRefused(String body) {
        State before = state();

        HttpResponse<String> answer = send(http.postJson("/api/verifications", body));
        HttpResponse<String> chunked = send(http.send(HttpRequest.newBuilder(http.uri("/api/verifications"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new java.io.ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8))))));
        HttpResponse<String> form = send(http.post("/verify", "application/x-www-form-urlencoded",
                "token=" + TestHttp.enc(body) + "&authcode=x"));

        assertThat(answer.statusCode()).isIn(400, 413);
        assertThat(chunked.statusCode()).isIn(400, 413);
        assertThat(form.statusCode()).isIn(400, 404, 413);
        assertThat(state()).isEqualTo(before);
    }

    static Stream<String> malformedRequests() {
        return Stream.of(
                "GET /verify?token=%zz&authcode=%zz HTTP/1.1\r\n",
                "GET /verify?token=%&authcode=% HTTP/1.1\r\n",
                "GET /verify?token=%E2%82&authcode=%C0%AF HTTP/1.1\r\n",
                "GET /verify?token=%FF%FE&authcode=%00 HTTP/1.1\r\n",
                "GET /verify?token=a&token=b&authcode=c&authcode=d HTTP/1.1\r\n",
                "GET /verify?token&authcode HTTP/1.1\r\n",
                "GET /verify?=&=&&&;;; HTTP/1.1\r\n",
                "GET /verify?token=<script>alert(1)</script>&authcode=x HTTP/1.1\r\n",
                "GET /verify?token=a%0d%0aSet-Cookie:%20x=y&authcode=b HTTP/1.1\r\n",
                "GET /verify?token=" + "a".repeat(20_000) + "&authcode=b HTTP/1.1\r\n",
                "GET /verify?" + "x=1&".repeat(3_000) + "token=a&authcode=b HTTP/1.1\r\n",
                "GET /verify#token=a HTTP/1.1\r\n",
                "GET /verify;jsessionid=abc?token=a&authcode=b HTTP/1.1\r\n",
                "GET /verify/../verify?token=a&authcode=b HTTP/1.1\r\n",
                "GET /verify%00?token=a HTTP/1.1\r\n",
                "GET /verify%2f..%2f..%2fetc%2fpasswd HTTP/1.1\r\n",
                "GET /ver ify?token=a HTTP/1.1\r\n",
                "GET /verify?token=a b&authcode=c HTTP/1.1\r\n",
                "GET /verify?token=\u0001&authcode=c HTTP/1.1\r\n",
                "GET /verify HTTP/1.1\r\nX-Long: " + "h".repeat(20_000) + "\r\n",
                "GET /verify HTTP/1.1\r\nBad Header: x\r\n",
                "GET /verify HTTP/1.1\r\nCookie: JSESSIONID=\u0000../../\r\n",
                "GET /verify?token=a&authcode=b HTTP/1.0\r\n",
                "GET http://evil.example/verify?token=a&authcode=b HTTP/1.1\r\n",
                "HEAD /verify?token=a&authcode=b HTTP/1.1\r\n",
                "OPTIONS /verify HTTP/1.1\r\n",
                "TRACE /verify HTTP/1.1\r\n",
                "PUT /verify HTTP/1.1\r\nContent-Length: 0\r\n",
                "DELETE /api/verifications HTTP/1.1\r\n",
                "GET /api/verifications?token=a&authcode=b HTTP/1.1\r\n",
                "POST /api/verifications?token=%zz HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 10\r\n\r\nauthcode=%",
                "POST /verify HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 16\r\n\r\ntoken=%zz&authco",
                "POST /verify HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded; charset=bogus-charset\r\nContent-Length: 19\r\n\r\ntoken=a&authcode=b1",
                "POST /verify HTTP/1.1\r\nContent-Type: multipart/form-data\r\nContent-Length: 7\r\n\r\ntoken=a",
                "POST /verify HTTP/1.1\r\nContent-Type: multipart/form-data; boundary=z\r\nContent-Length: 7\r\n\r\n--z\r\nxx",
                "POST /verify HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}",
                "POST /verify HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 99999\r\n\r\ntoken=a",
                "POST /api/verifications HTTP/1.1\r\nContent-Type: application/json; charset=bogus-charset\r\nContent-Length: 2\r\n\r\n{}",
                "POST /api/verifications HTTP/1.1\r\nContent-Type: ;;;==\r\nContent-Length: 2\r\n\r\n{}",
                "POST /api/verifications HTTP/1.1\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\n{}",
                "POST /api/verifications HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}",
                "POST /api/verifications HTTP/1.1\r\nContent-Type: application/json\r\nAccept: image/png\r\nContent-Length: 2\r\n\r\n{}",
                "POST /api/verifications HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 10\r\nContent-Length: 20\r\n\r\n{}",
                "POST /api/verifications HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: -1\r\n\r\n{}",
                "POST /api/verifications HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 99999999999999999999\r\n\r\n{}",
                "POST /api/verifications HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 50\r\n\r\n{\"token\":",
                "POST /api/verifications HTTP/1.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
                "GET /css/..%2f..%2fapplication.yml HTTP/1.1\r\n",
                "GET /actuator/env HTTP/1.1\r\n");
    }

    @ParameterizedTest
    @MethodSource("malformedRequests")
    void malformedRequestsAnswer4xxWithoutATrace(String request) {
        State before = state();
        int headEnd = request.indexOf("\r\n\r\n");
        String head = headEnd < 0 ? request : request.substring(0, headEnd + 2);
        String body = headEnd < 0 ? "" : request.substring(headEnd + 4);
        String full = head + (head.contains(" HTTP/1.1\r\n") ? "Host: x\r\nConnection: close\r\n" : "") + "\r\n" + body;

        RawResponse response = send(Hostile.raw(port, full.getBytes(StandardCharsets.ISO_8859_1)));

        if (response.status() != 0) {
            assertThat(response.status()).as(Hostile.abbreviate(response.text())).isBetween(200, 499);
        }
        Hostile.assertNoServerErrorNorLeak(200, response.text());
        assertThat(response.text()).doesNotContain("<script>alert(1)").doesNotContain("Set-Cookie: x=y");
        assertThat(state()).isEqualTo(before);
    }

    private void assertPage(Entry entry, HttpResponse<String> page, String token, String authcode) {
        if (entry.expect().equals("blank")) {
            assertThat(page.statusCode()).isEqualTo(400);
            assertThat(page.body()).contains("id=\"incomplete\"");
        }
        else {
            assertThat(page.statusCode()).as(Hostile.abbreviate(page.body())).isEqualTo(404);
            assertThat(page.body()).contains("id=\"not-valid\"");
        }
        assertThat(page.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(page.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
        // the not-valid page says nothing about what was sent: neither value is echoed
        String hostile = token.equals(issued.token()) ? authcode : token;
        if (hostile.strip().length() > 3) {
            assertThat(page.body()).doesNotContain(hostile.strip()).doesNotContain(Hostile.escaped(hostile.strip()));
        }
        assertThat(page.body()).doesNotContain(issued.authcode());
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

    private State state() {
        return new State(count("SELECT COUNT(*) FROM challenge WHERE verified_at IS NOT NULL"),
                count("SELECT COUNT(*) FROM user_verification WHERE verified_at IS NOT NULL"),
                count("SELECT COUNT(*) FROM outbox_event"), count("SELECT COUNT(*) FROM challenge"));
    }

    private int count(String sql) {
        Integer n = jdbc.queryForObject(sql, Integer.class);
        return n == null ? 0 : n;
    }

    record State(int verifiedChallenges, int verifiedUsers, int outbox, int challenges) {
    }
}
