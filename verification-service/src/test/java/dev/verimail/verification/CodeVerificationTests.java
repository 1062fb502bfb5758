package dev.verimail.verification;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.verimail.events.Topics;
import dev.verimail.events.registration.UserRegistered;
import dev.verimail.events.registration.VerificationReissued;
import dev.verimail.testbed.ServiceTest;
import dev.verimail.testbed.TestHttp;
import dev.verimail.testbed.TopicReader;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The 6-digit code beside the link (issue 14), through the real listener, database and outbox. The service trusts
 * 127.0.0.1 as a proxy, so each test speaks for clients of its own ({@code X-Forwarded-For}) and the per-client
 * limit (12 wrong codes an hour here) counts only its own tries.
 */
@ServiceTest(properties = { "verimail.trusted-proxies=127.0.0.1,::1", "verification.limits.code-per-client=12/1h",
        "verification.registration-base-url=https://signup.example.com" })
class CodeVerificationTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Value("${spring.kafka.bootstrap-servers}")
    String bootstrapServers;

    TestHttp http;
    TestEvents events;
    TestDb db;
    String client;

    @BeforeEach
    void setUp() {
        http = TestHttp.localhost(port);
        events = new TestEvents(bootstrapServers);
        db = new TestDb(jdbc);
        client = newClient();
    }

    @AfterEach
    void tearDown() {
        events.close();
    }

    @Test
    void theRightCodeVerifiesOnceWhateverTheCaseOfTheAddressAndAgainAnswersTheSame() {
        UserRegistered event = TestEvents.registered("Code.Right@Example.com");
        String code = signUp(event);

        HttpResponse<String> first = code(" code.right@EXAMPLE.com ", code);
        HttpResponse<String> again = code("Code.Right@Example.com", code);

        assertThat(first.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(first.body());
        assertThat(body.get("userId").asLong()).isEqualTo(event.userId());
        assertThat(body.get("email").asString()).isEqualTo("Code.Right@Example.com");
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(again.body())).isEqualTo(body);
        assertThat(db.verifiedUsers(event.userId())).isEqualTo(1);
        try (TopicReader reader = TopicReader.fromBeginning(bootstrapServers, Topics.VERIFICATION_EVENTS)) {
            JsonNode published = JSON.readTree(reader.await(r -> r.key().equals(event.key()), 1, Duration.ofSeconds(30))
                    .get(0).value());
            assertThat(Instant.parse(published.get("verifiedAt").asString()))
                    .isEqualTo(Instant.parse(body.get("verifiedAt").asString()));
            assertThat(published.get("email").asString()).isEqualTo("Code.Right@Example.com");
            assertThat(reader.readFor(Duration.ofSeconds(2), r -> r.key().equals(event.key()))).hasSize(1);
        }
    }

    @Test
    void fiveWrongCodesLockTheChallengeEvenForTheRightCodeUntilANewEmail() {
        UserRegistered event = TestEvents.registered("code.locked@example.com");
        String code = signUp(event);
        String wrong = other(code);

        for (int i = 1; i <= 4; i++) {
            assertProblem(code(event.email(), wrong), 404, "code-not-valid");
        }
        JsonNode locked = assertProblem(code(event.email(), wrong), 429, "code-locked");
        assertThat(locked.get("detail").asString()).contains("new email");
        assertProblem(code(event.email(), code), 429, "code-locked");
        assertThat(db.count("SELECT code_failures FROM challenge WHERE token = ?", event.token())).isEqualTo(5);
        assertThat(db.verifiedUsers(event.userId())).isZero();

        // a resend: a new challenge, counting from 0, whose code works
        VerificationReissued resend = TestEvents.reissued(event.userId(), event.email(), TestEvents.now().plusMillis(5));
        String newCode = other(code);
        events.publishWithCode(resend, newCode);
        db.awaitChallenge(resend.token());
        assertThat(code(event.email(), newCode).statusCode()).isEqualTo(200);
    }

    @Test
    void aCodeDiesWithItsLinkUsedExpiredOrReplaced() {
        // used: the link verified; its code then answers as the link does again (200, the same verifiedAt)
        UserRegistered used = TestEvents.registered("code.used@example.com");
        String usedCode = signUp(used);
        ObjectNode link = JSON.createObjectNode().put("token", used.token()).put("authcode", used.authcode());
        HttpResponse<String> clicked = http.postJson("/api/verifications", link.toString());
        assertThat(clicked.statusCode()).isEqualTo(200);
        HttpResponse<String> byCode = code(used.email(), usedCode);
        assertThat(byCode.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(byCode.body())).isEqualTo(JSON.readTree(clicked.body()));

        // expired
        Instant now = TestEvents.now();
        UserRegistered expired = TestEvents.registered(TestEvents.newUserId(), "E", "code.expired@example.com",
                now.minus(1, ChronoUnit.HOURS), now.minusSeconds(1));
        String expiredCode = signUp(expired);
        assertProblem(code(expired.email(), expiredCode), 410, "link-expired");

        // replaced: after a reissue the old code is wrong, the new one right
        UserRegistered first = TestEvents.registered("code.reissued@example.com");
        String oldCode = signUp(first);
        VerificationReissued second = TestEvents.reissued(first.userId(), first.email(), first.occurredAt().plusMillis(5));
        String newCode = other(oldCode);
        events.publishWithCode(second, newCode);
        db.awaitChallenge(second.token());
        assertProblem(code(first.email(), oldCode), 404, "code-not-valid");
        assertThat(code(first.email(), newCode).statusCode()).isEqualTo(200);
        assertThat(db.verifiedUsers(first.userId())).isEqualTo(1);
    }

    @Test
    void concurrentWrongCodesCountExactlyFiveAndConcurrentRightCodesVerifyOnce() throws Exception {
        UserRegistered event = TestEvents.registered("code.race@example.com");
        String code = signUp(event);
        String wrong = other(code);

        List<HttpResponse<String>> wrongs = concurrently(20, i -> code(event.email(), wrong, newClient()));
        assertThat(db.count("SELECT code_failures FROM challenge WHERE token = ?", event.token())).isEqualTo(5);
        assertThat(wrongs.stream().filter(r -> r.statusCode() == 404).count()).isEqualTo(4);
        assertThat(wrongs.stream().filter(r -> r.statusCode() == 429).count()).isEqualTo(16);

        // an unknown address: its counter is one row, which concurrent tries queue on (no deadlock, no 500)
        List<HttpResponse<String>> unknown = concurrently(20, i -> code("code.race.nobody@example.com", wrong,
                newClient()));
        assertThat(unknown).allSatisfy(r -> assertThat(r.statusCode()).isIn(404, 429));
        assertThat(unknown.stream().filter(r -> r.statusCode() == 404).count()).isEqualTo(4);

        UserRegistered other = TestEvents.registered("code.race.right@example.com");
        String right = signUp(other);
        List<HttpResponse<String>> rights = concurrently(10, i -> code(other.email(), right, newClient()));
        assertThat(rights).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(200));
        assertThat(rights.stream().map(r -> JSON.readTree(r.body())).distinct()).hasSize(1);
        try (TopicReader reader = TopicReader.fromBeginning(bootstrapServers, Topics.VERIFICATION_EVENTS)) {
            reader.await(r -> r.key().equals(other.key()), 1, Duration.ofSeconds(30));
            assertThat(reader.readFor(Duration.ofSeconds(2), r -> r.key().equals(other.key()))).hasSize(1);
        }
    }

    @Test
    void anUnknownAddressAnswersExactlyAsAKnownOneWithAWrongCodeAlsoWhenLocked() {
        UserRegistered known = TestEvents.registered("code.known@example.com");
        String code = signUp(known);
        String wrong = other(code);
        String unknown = "code.nobody@example.com";

        // each try from a client of its own: the per-client limit is not what this is about
        for (int i = 1; i <= 4; i++) {
            // two wrong codes per round and address (API and page): the 5th, in round 3, locks
            HttpResponse<String> a = code(known.email(), wrong, newClient());
            HttpResponse<String> b = code(unknown, wrong, newClient());
            assertThat(b.statusCode()).as("try %d", i).isEqualTo(a.statusCode()).isEqualTo(i < 3 ? 404 : 429);
            assertThat(b.body()).as("try %d", i).isEqualTo(a.body());
            assertThat(b.headers().firstValue("Content-Type")).isEqualTo(a.headers().firstValue("Content-Type"));

            HttpResponse<String> pageA = page(known.email(), wrong, newClient());
            HttpResponse<String> pageB = page(unknown, wrong, newClient());
            assertThat(pageB.statusCode()).isEqualTo(pageA.statusCode());
            assertThat(pageB.body().replace(unknown, "ADDRESS")).isEqualTo(pageA.body().replace(known.email(), "ADDRESS"));
            assertThat(pageA.statusCode()).isEqualTo(i < 3 ? 404 : 429);
            if (i >= 3) {
                assertThat(pageA.body()).contains("id=\"code-locked\"");
            }
        }
    }

    @Test
    void aClientThatTriedTooManyWrongCodesIsRateLimitedWithRetryAfter() {
        UserRegistered event = TestEvents.registered("code.client@example.com");
        String code = signUp(event);
        // 12 wrong codes, spread over addresses so that none of them locks
        for (int i = 0; i < 12; i++) {
            assertProblem(code("code.spread" + (i % 4) + "@example.com", "000000"), 404, "code-not-valid");
        }
        HttpResponse<String> limited = code(event.email(), code);
        assertProblem(limited, 429, "rate-limited");
        long retryAfter = Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow());
        assertThat(retryAfter).isBetween(1L, 3600L);
        HttpResponse<String> limitedPage = page(event.email(), code, client);
        assertThat(limitedPage.statusCode()).isEqualTo(429);
        assertThat(limitedPage.headers().firstValue("Retry-After")).isPresent();
        assertThat(db.verifiedUsers(event.userId())).as("not even judged").isZero();

        // another client is not held back
        assertThat(code(event.email(), code, newClient()).statusCode()).isEqualTo(200);
    }

    @Test
    void malformedInputIs400WithoutCounting() {
        int before = db.count("SELECT COALESCE(SUM(failures), 0) FROM code_failure");
        assertProblem(http.postJson("/api/verifications/code", "{}"), 400, "invalid-input");
        assertProblem(code("a@example.com", "12345"), 400, "invalid-input");
        assertProblem(code("a@example.com", "abcdef"), 400, "invalid-input");
        assertProblem(code("", "123456"), 400, "invalid-input");
        assertProblem(http.postJson("/api/verifications/code", "{\"email\":"), 400, "malformed-json");
        assertThat(db.count("SELECT COALESCE(SUM(failures), 0) FROM code_failure")).isEqualTo(before);
    }

    @Test
    void theCodePageShowsAFormPrefilledFromTheQueryAndVerifiesWithTheLinksResultPages() {
        HttpResponse<String> form = http.get("/verify/code?email=" + TestHttp.enc("ada@example.com") + "&code=123456");
        assertThat(form.statusCode()).isEqualTo(200);
        assertThat(form.body()).contains("id=\"code\"", "action=\"/verify/code\"", "method=\"post\"",
                "name=\"email\"", "value=\"ada@example.com\"", "name=\"code\"", "value=\"123456\"",
                "autocomplete=\"one-time-code\"", "Enter the code from the email").doesNotContain("code-error");

        UserRegistered event = TestEvents.registered("code.page@example.com");
        String code = signUp(event);
        HttpResponse<String> wrong = page(event.email(), other(code), client);
        assertThat(wrong.statusCode()).isEqualTo(404);
        assertThat(wrong.body()).contains("id=\"code-error\"", "This code is not valid", "value=\"code.page@example.com\"");
        HttpResponse<String> bad = page(event.email(), "12", client);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("The code is the 6 digits");

        HttpResponse<String> verified = page(event.email(), code.substring(0, 3) + " " + code.substring(3), client);
        assertThat(verified.statusCode()).isEqualTo(200);
        assertThat(verified.body()).contains("id=\"verified\"", "code.page@example.com");
        HttpResponse<String> already = page(event.email(), code, client);
        assertThat(already.statusCode()).isEqualTo(200);
        assertThat(already.body()).contains("id=\"already-verified\"");

        Instant now = TestEvents.now();
        UserRegistered expired = TestEvents.registered(TestEvents.newUserId(), "E", "code.page.expired@example.com",
                now.minus(1, ChronoUnit.HOURS), now.minusSeconds(1));
        String expiredCode = signUp(expired);
        HttpResponse<String> gone = page(expired.email(), expiredCode, client);
        assertThat(gone.statusCode()).isEqualTo(410);
        assertThat(gone.body()).contains("id=\"expired\"", "action=\"https://signup.example.com/register/resend\"");

        String zh = http.send(HttpRequest.newBuilder(http.uri("/verify/code")).header("Accept-Language", "zh-CN")
                .GET()).body();
        assertThat(zh).contains("输入邮件中的验证码");
    }

    @Test
    void aLockedCodesPageOffersANewEmail() {
        UserRegistered event = TestEvents.registered("code.page.locked@example.com");
        String code = signUp(event);
        for (int i = 0; i < 4; i++) {
            assertThat(page(event.email(), other(code), client).statusCode()).isEqualTo(404);
        }
        HttpResponse<String> locked = page(event.email(), other(code), client);
        assertThat(locked.statusCode()).isEqualTo(429);
        assertThat(locked.body()).contains("id=\"code-locked\"", "action=\"https://signup.example.com/register/resend\"",
                "name=\"email\"", "value=\"code.page.locked@example.com\"");
        assertThat(page(event.email(), code, client).body()).contains("id=\"code-locked\"");
    }

    /** Publishes the sign-up with a fresh code, waits until it is stored, and returns the code. */
    private String signUp(UserRegistered event) {
        String code = TestEvents.code();
        events.publishWithCode(event, code);
        db.awaitChallenge(event.token());
        return code;
    }

    private static String other(String code) {
        return String.format("%06d", (Integer.parseInt(code) + 1 + ThreadLocalRandom.current().nextInt(999_998))
                % 1_000_000);
    }

    private static String newClient() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "10." + r.nextInt(256) + "." + r.nextInt(256) + "." + (1 + r.nextInt(254));
    }

    private HttpResponse<String> code(String email, String code) {
        return code(email, code, client);
    }

    private HttpResponse<String> code(String email, String code, String from) {
        String body = JSON.createObjectNode().put("email", email).put("code", code).toString();
        return http.send(HttpRequest.newBuilder(http.uri("/api/verifications/code"))
                .header("Content-Type", "application/json").header("X-Forwarded-For", from)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private HttpResponse<String> page(String email, String code, String from) {
        return http.send(HttpRequest.newBuilder(http.uri("/verify/code"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("X-Forwarded-For", from)
                .POST(HttpRequest.BodyPublishers.ofString(TestHttp.form(Map.of("email", email, "code", code)))));
    }

    private interface Call {
        HttpResponse<String> call(int i) throws Exception;
    }

    private static List<HttpResponse<String>> concurrently(int n, Call call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch start = new CountDownLatch(1);
            AtomicInteger index = new AtomicInteger();
            List<Future<HttpResponse<String>>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return call.call(index.getAndIncrement());
                }));
            }
            start.countDown();
            List<HttpResponse<String>> responses = new ArrayList<>();
            for (Future<HttpResponse<String>> f : futures) {
                responses.add(f.get());
            }
            return responses;
        }
        finally {
            pool.shutdownNow();
        }
    }

    private static JsonNode assertProblem(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.get("code").asString()).isEqualTo(code);
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        return problem;
    }
}
