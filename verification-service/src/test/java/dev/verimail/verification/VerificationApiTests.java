package dev.verimail.verification;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.verimail.events.Topics;
import dev.verimail.events.registration.RegistrationEvent;
import dev.verimail.events.registration.UserRegistered;
import dev.verimail.events.registration.VerificationReissued;
import dev.verimail.testbed.ServiceTest;
import dev.verimail.testbed.TestHttp;
import dev.verimail.testbed.TopicReader;
import dev.verimail.web.link.SignedTokens;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

@ServiceTest
class VerificationApiTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Autowired
    org.springframework.core.env.Environment environment;

    @Autowired
    JdbcTemplate jdbc;

    @Value("${spring.kafka.bootstrap-servers}")
    String bootstrapServers;

    TestHttp http;
    TestEvents events;
    TestDb db;

    @BeforeEach
    void setUp() {
        http = TestHttp.localhost(port);
        events = new TestEvents(bootstrapServers);
        db = new TestDb(jdbc);
    }

    @AfterEach
    void tearDown() {
        events.close();
    }

    @Test
    void aValidLinkVerifiesAndRepeatingTheCallGivesTheSameAnswerWithoutASecondEvent() {
        UserRegistered event = TestEvents.registered("api@example.com");
        events.publish(event);
        db.awaitChallenge(event.token());

        HttpResponse<String> first = verify(event);
        HttpResponse<String> second = verify(event);

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/json");
        JsonNode body = JSON.readTree(first.body());
        assertThat(body.get("userId").asLong()).isEqualTo(event.userId());
        assertThat(body.get("email").asString()).isEqualTo("api@example.com");
        Instant verifiedAt = Instant.parse(body.get("verifiedAt").asString());
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(second.body())).isEqualTo(body);
        try (TopicReader reader = TopicReader.fromBeginning(bootstrapServers, Topics.VERIFICATION_EVENTS)) {
            JsonNode published = JSON.readTree(reader.await(r -> r.key().equals(event.key()), 1, Duration.ofSeconds(30))
                    .get(0).value());
            assertThat(Instant.parse(published.get("verifiedAt").asString())).isEqualTo(verifiedAt);
            assertThat(reader.readFor(Duration.ofSeconds(2), r -> r.key().equals(event.key()))).hasSize(1);
        }
    }

    @Test
    void anExpiredLinkIs410AndAWrongOrUnknownOneIs404AsProblemDetails() {
        Instant now = TestEvents.now();
        UserRegistered expired = TestEvents.registered(TestEvents.newUserId(), "E", "expired@example.com",
                now.minus(1, ChronoUnit.HOURS), now.minusSeconds(1));
        UserRegistered valid = TestEvents.registered("valid@example.com");
        events.publish(expired);
        events.publish(valid);
        db.awaitChallenge(expired.token());
        db.awaitChallenge(valid.token());

        assertProblem(verify(expired), 410, "link-expired");
        assertProblem(verify(valid.token(), TestEvents.secret(32)), 404, "link-not-valid");
        assertProblem(verify(TestEvents.secret(16), valid.authcode()), 404, "link-not-valid");
        assertProblem(verify("A".repeat(10 * 1024), valid.authcode()), 404, "link-not-valid");
        assertProblem(verify(valid.token(), "not a code!"), 404, "link-not-valid");

        assertThat(db.verifiedUsers(valid.userId()) + db.verifiedUsers(expired.userId())).isZero();
    }

    @Test
    void aGenuineLinkClickedBeforeItsChallengeIsStoredIs503NotReadyThenWorks() {
        UserRegistered early = TestEvents.registered("early@example.com");

        HttpResponse<String> tooSoon = verify(early);
        assertProblem(tooSoon, 503, "link-not-ready");
        assertThat(tooSoon.headers().firstValue("Retry-After")).hasValue("3");
        HttpResponse<String> page = http.get("/verify?token=" + early.token() + "&authcode=" + early.authcode());
        assertThat(page.statusCode()).isEqualTo(503);
        assertThat(page.headers().firstValue("Retry-After")).hasValue("3");
        assertThat(page.body()).contains("One moment").contains("http-equiv=\"refresh\" content=\"3\"")
                .doesNotContain("not valid");

        events.publish(early);
        db.awaitChallenge(early.token());
        assertThat(verify(early).statusCode()).isEqualTo(200);
    }

    @Test
    void aSignedLinkPastItsExpiryWithNoChallengeIs410AndAForgedOneIs404AtOnce() {
        Instant now = TestEvents.now();
        String oldToken = TestEvents.TOKENS.issue(now.minusSeconds(5));
        assertProblem(verify(oldToken, TestEvents.secret(32)), 410, "link-expired");
        String forged = SignedTokens.of(SignedTokens.randomSpec()).issue(now.plusSeconds(3600));
        assertProblem(verify(forged, TestEvents.secret(32)), 404, "link-not-valid");
        HttpResponse<String> page = http.get("/verify?token=" + forged + "&authcode=" + TestEvents.secret(32));
        assertThat(page.statusCode()).isEqualTo(404);
        assertThat(http.get("/verify?token=" + oldToken + "&authcode=x").body())
                .as("the expired page asks for the address it cannot know").contains("type=\"email\"");
    }

    @Test
    void missingFieldsAndMalformedJsonAre400ProblemDetails() {
        HttpResponse<String> missing = http.postJson("/api/verifications", "{\"token\":\"abcdefghijklmnopqrstuv\"}");

        JsonNode problem = assertProblem(missing, 400, "invalid-input");
        assertThat(problem.get("errors").toString()).contains("authcode").doesNotContain("\"token\"");
        assertProblem(http.postJson("/api/verifications", "{}"), 400, "invalid-input");
        assertProblem(http.postJson("/api/verifications", "{\"token\":"), 400, "malformed-json");
        assertProblem(http.postJson("/api/verifications", "[1,2]"), 400, "malformed-json");
        assertThat(http.post("/api/verifications", "text/plain", "token=x").statusCode()).isEqualTo(415);
    }

    @Test
    void aReissuedLinkReplacesTheOldOneAndAfterVerifyingEveryLinkOfTheUserSaysVerified() {
        long userId = TestEvents.newUserId();
        Instant t0 = TestEvents.now().minusSeconds(120);
        UserRegistered first = TestEvents.registered(userId, "R", "reissue@example.com", t0, t0.plus(1, ChronoUnit.HOURS));
        VerificationReissued second = TestEvents.reissued(userId, "reissue@example.com", t0.plusSeconds(60));
        events.publish(first);
        events.publish(second);
        db.awaitChallenge(first.token());
        db.awaitChallenge(second.token());

        assertProblem(verify(first), 404, "link-not-valid");
        HttpResponse<String> verified = verify(second);
        assertThat(verified.statusCode()).isEqualTo(200);
        HttpResponse<String> oldLinkLater = verify(first);

        assertThat(oldLinkLater.statusCode()).as("the user is verified, whichever of their links comes").isEqualTo(200);
        assertThat(JSON.readTree(oldLinkLater.body())).isEqualTo(JSON.readTree(verified.body()));
        assertThat(db.verifiedChallenges(userId)).isOne();
    }

    @Test
    void aReissueThatArrivesBeforeItsUserRegisteredStillWins() {
        long userId = TestEvents.newUserId();
        Instant t0 = TestEvents.now().minusSeconds(120);
        UserRegistered first = TestEvents.registered(userId, "O", "order@example.com", t0, t0.plus(1, ChronoUnit.HOURS));
        VerificationReissued second = TestEvents.reissued(userId, "order@example.com", t0.plusSeconds(60));
        events.publish(second);
        db.awaitChallenge(second.token());
        events.publish(first);
        db.awaitChallenge(first.token());

        assertProblem(verify(first), 404, "link-not-valid");
        assertThat(verify(second).statusCode()).isEqualTo(200);
    }

    @Test
    void twoValidLinksOfOneUserUsedAtOnceVerifyTheUserOnceWithOneEvent() throws Exception {
        long userId = TestEvents.newUserId();
        Instant t0 = TestEvents.now();
        // the same occurredAt: neither supersedes the other, so both links are valid
        UserRegistered one = TestEvents.registered(userId, "T", "twins@example.com", t0, t0.plus(1, ChronoUnit.HOURS));
        VerificationReissued two = TestEvents.reissued(userId, "twins@example.com", t0);
        events.publish(one);
        events.publish(two);
        db.awaitChallenge(one.token());
        db.awaitChallenge(two.token());

        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            RegistrationEvent link = i % 2 == 0 ? one : two;
            calls.add(pool.submit(() -> {
                start.await();
                return verify(link);
            }));
        }
        start.countDown();
        List<JsonNode> bodies = new ArrayList<>();
        for (Future<HttpResponse<String>> call : calls) {
            HttpResponse<String> response = call.get();
            assertThat(response.statusCode()).isEqualTo(200);
            bodies.add(JSON.readTree(response.body()));
        }
        pool.shutdown();

        assertThat(bodies).as("every caller sees the one verification").allSatisfy(b -> assertThat(b).isEqualTo(bodies.get(0)));
        assertThat(db.verifiedChallenges(userId)).isOne();
        try (TopicReader reader = TopicReader.fromBeginning(bootstrapServers, Topics.VERIFICATION_EVENTS)) {
            reader.await(r -> r.key().equals(Long.toString(userId)), 1, Duration.ofSeconds(30));
            assertThat(reader.readFor(Duration.ofSeconds(2), r -> r.key().equals(Long.toString(userId)))).hasSize(1);
        }
    }

    @Test
    void healthAndMetricsAreExposed() {
        UserRegistered event = TestEvents.registered("metrics@example.com");
        events.publish(event);
        db.awaitChallenge(event.token());
        verify(event);
        verify(event.token(), TestEvents.secret(32));

        HttpResponse<String> health = TestHttp.management(environment).get("/actuator/health");
        String metrics = TestHttp.management(environment).get("/actuator/prometheus").body();

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"UP\"");
        assertThat(metrics).contains("verification_verifications_succeeded_total",
                "verification_verifications_rejected_total{application=\"verification-service\",reason=\"wrong_authcode\"}",
                "verification_challenges_received_total{application=\"verification-service\",outcome=\"stored\"}",
                "outbox_published_total");
    }

    private HttpResponse<String> verify(RegistrationEvent event) {
        return verify(event.token(), event.authcode());
    }

    private HttpResponse<String> verify(String token, String authcode) {
        ObjectNode body = JSON.createObjectNode().put("token", token).put("authcode", authcode);
        return http.postJson("/api/verifications", body.toString());
    }

    private static JsonNode assertProblem(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.get("code").asString()).isEqualTo(code);
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("type").asString()).isEqualTo("https://verimail.dev/problems/" + code);
        return problem;
    }
}
