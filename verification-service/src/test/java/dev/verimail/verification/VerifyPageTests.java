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

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.verimail.events.CloudEventHeaders;
import dev.verimail.events.Topics;
import dev.verimail.events.registration.UserRegistered;
import dev.verimail.testbed.EventSchemaAssert;
import dev.verimail.testbed.ServiceTest;
import dev.verimail.testbed.TestHttp;
import dev.verimail.testbed.TopicReader;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@ServiceTest(properties = "verification.registration-base-url=https://signup.example.com/")
class VerifyPageTests {

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
    void aValidLinkShowsAConfirmPageAndOnlyTheConfirmVerifiesAndPublishesOneEmailVerified() {
        Instant now = TestEvents.now();
        UserRegistered event = TestEvents.registered(TestEvents.newUserId(), "Ada <b>Lovelace</b>", "ada@example.com",
                now, now.plus(1, ChronoUnit.HOURS));
        events.publish(event);
        db.awaitChallenge(event.token());

        HttpResponse<String> page = http.get(link(event));

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(page.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
        assertThat(page.body()).contains("Confirm my email", "method=\"post\"", "action=\"/verify\"",
                "value=\"" + event.token() + "\"", "ada@example.com", "Ada &lt;b&gt;Lovelace&lt;/b&gt;")
                .doesNotContain("<b>Lovelace</b>");
        assertThat(db.verifiedChallenges(event.userId())).as("opening the link verifies nobody").isZero();

        HttpResponse<String> confirmed = http.postForm("/verify", Map.of("token", event.token(), "authcode", event.authcode()));

        assertThat(confirmed.statusCode()).isEqualTo(200);
        assertThat(confirmed.body()).contains("Your email is confirmed", "ada@example.com");
        assertThat(confirmed.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(db.verifiedChallenges(event.userId())).isOne();

        try (TopicReader reader = TopicReader.fromBeginning(bootstrapServers, Topics.VERIFICATION_EVENTS)) {
            ConsumerRecord<String, String> record = reader.await(r -> r.key().equals(event.key()), 1,
                    Duration.ofSeconds(30)).get(0);
            EventSchemaAssert.assertMatchesSchema("EmailVerified", record.value());
            JsonNode json = JSON.readTree(record.value());
            assertThat(json.get("type").asString()).isEqualTo("EmailVerified");
            assertThat(json.get("userId").asLong()).isEqualTo(event.userId());
            assertThat(json.get("email").asString()).isEqualTo("ada@example.com");
            assertThat(TopicReader.header(record, CloudEventHeaders.SPEC_VERSION)).isEqualTo("1.0");
            assertThat(TopicReader.header(record, CloudEventHeaders.ID)).isEqualTo(json.get("eventId").asString());
            assertThat(TopicReader.header(record, CloudEventHeaders.TYPE)).isEqualTo("verimail.verification.EmailVerified.v1");
            assertThat(TopicReader.header(record, CloudEventHeaders.SOURCE)).isEqualTo("/verimail/verification-service");
            assertThat(Instant.parse(TopicReader.header(record, CloudEventHeaders.TIME)))
                    .isEqualTo(Instant.parse(json.get("occurredAt").asString()));
            assertThat(TopicReader.header(record, CloudEventHeaders.CONTENT_TYPE)).isEqualTo("application/json");

            HttpResponse<String> again = http.get(link(event));
            HttpResponse<String> confirmAgain = http.postForm("/verify",
                    Map.of("token", event.token(), "authcode", event.authcode()));

            assertThat(again.statusCode()).isEqualTo(200);
            assertThat(again.body()).contains("already verified").doesNotContain("Confirm my email");
            assertThat(confirmAgain.statusCode()).isEqualTo(200);
            assertThat(confirmAgain.body()).contains("already verified");
            assertThat(reader.readFor(Duration.ofSeconds(2), r -> r.key().equals(event.key())))
                    .as("the second click publishes nothing").hasSize(1);
        }
    }

    @Test
    void tenConcurrentConfirmsOfOneLinkVerifyOnceAndPublishOneEvent() throws Exception {
        UserRegistered event = TestEvents.registered("race@example.com");
        events.publish(event);
        db.awaitChallenge(event.token());

        ExecutorService pool = Executors.newFixedThreadPool(10);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<HttpResponse<String>>> clicks = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            clicks.add(pool.submit(() -> {
                start.await();
                return http.postForm("/verify", Map.of("token", event.token(), "authcode", event.authcode()));
            }));
        }
        start.countDown();
        List<HttpResponse<String>> responses = new ArrayList<>();
        for (Future<HttpResponse<String>> click : clicks) {
            responses.add(click.get());
        }
        pool.shutdown();

        assertThat(responses).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(200));
        assertThat(responses).filteredOn(r -> r.body().contains("Your email is confirmed")).hasSize(1);
        assertThat(responses).filteredOn(r -> r.body().contains("already verified")).hasSize(9);
        assertThat(db.verifiedChallenges(event.userId())).isOne();
        try (TopicReader reader = TopicReader.fromBeginning(bootstrapServers, Topics.VERIFICATION_EVENTS)) {
            reader.await(r -> r.key().equals(event.key()), 1, Duration.ofSeconds(30));
            assertThat(reader.readFor(Duration.ofSeconds(2), r -> r.key().equals(event.key()))).hasSize(1);
        }
    }

    @Test
    void aWrongAuthcodeOrAnUnknownTokenShowsTheGenericNotValidPageAndChangesNothing() {
        UserRegistered event = TestEvents.registered("careful@example.com");
        events.publish(event);
        db.awaitChallenge(event.token());

        List<HttpResponse<String>> pages = List.of(
                http.get("/verify?token=" + event.token() + "&authcode=" + TestEvents.secret(32)),
                http.postForm("/verify", Map.of("token", event.token(), "authcode", TestEvents.secret(32))),
                http.get("/verify?token=" + TestEvents.secret(16) + "&authcode=" + event.authcode()),
                http.postForm("/verify", Map.of("token", TestEvents.secret(16), "authcode", event.authcode())),
                http.postForm("/verify", Map.of("token", event.token() + "<script>", "authcode", event.authcode())));

        assertThat(pages).allSatisfy(page -> {
            assertThat(page.statusCode()).isEqualTo(404);
            assertThat(page.body()).contains("This link is not valid").doesNotContain("careful@example.com", "<script>");
            assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-store");
        });
        assertThat(db.verifiedChallenges(event.userId())).isZero();
        assertThat(db.verifiedUsers(event.userId())).isZero();
        assertThat(http.get(link(event)).body()).as("the real link still works").contains("Confirm my email");
    }

    @Test
    void aLinkWithoutTokenOrAuthcodeSays400Incomplete() {
        List<HttpResponse<String>> pages = List.of(
                http.get("/verify"),
                http.get("/verify?token=abcdefghijklmnopqrstuv"),
                http.get("/verify?token=&authcode=abcdefghijklmnopqrstuv"),
                http.postForm("/verify", Map.of()),
                http.postForm("/verify", Map.of("authcode", "abcdefghijklmnopqrstuv")));

        assertThat(pages).allSatisfy(page -> {
            assertThat(page.statusCode()).isEqualTo(400);
            assertThat(page.body()).contains("This link is incomplete").doesNotContain("Exception");
        });
    }

    @Test
    void aTenKilobyteTokenIsRefusedWithoutAServerError() {
        String huge = "A".repeat(10 * 1024);
        int challenges = db.count("SELECT COUNT(*) FROM challenge");

        HttpResponse<String> get = http.get("/verify?token=" + huge + "&authcode=" + huge);
        HttpResponse<String> post = http.postForm("/verify", Map.of("token", huge, "authcode", "abcdefghijklmnopqrstuv"));

        assertThat(get.statusCode()).isIn(400, 404, 414);
        assertThat(get.body()).doesNotContain("Exception", "at org.");
        assertThat(post.statusCode()).isEqualTo(404);
        assertThat(post.body()).contains("This link is not valid").doesNotContain(huge);
        assertThat(db.count("SELECT COUNT(*) FROM challenge")).isEqualTo(challenges);
    }

    @Test
    void anExpiredLinkSays410AndOffersToSendANewOne() {
        Instant now = TestEvents.now();
        UserRegistered event = TestEvents.registered(TestEvents.newUserId(), "Late", "late@example.com",
                now.minus(2, ChronoUnit.DAYS), now.minus(1, ChronoUnit.DAYS));
        events.publish(event);
        db.awaitChallenge(event.token());

        HttpResponse<String> page = http.get(link(event));
        HttpResponse<String> confirm = http.postForm("/verify", Map.of("token", event.token(), "authcode", event.authcode()));

        for (HttpResponse<String> response : List.of(page, confirm)) {
            assertThat(response.statusCode()).isEqualTo(410);
            assertThat(response.body()).contains("This link has expired", "Send me a new link",
                    "action=\"https://signup.example.com/register/resend\"", "name=\"email\"",
                    "value=\"late@example.com\"");
        }
        assertThat(db.verifiedChallenges(event.userId())).isZero();
        assertThat(db.verifiedUsers(event.userId())).isZero();
    }

    @Test
    void errorPagesNeverShowAStackTrace() {
        HttpResponse<String> missing = http.send(HttpRequest.newBuilder(http.uri("/nothing-here")).header("Accept", "text/html"));

        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("Page not found").doesNotContain("Exception", "at org.");
    }

    private static String link(UserRegistered event) {
        return "/verify?token=" + event.token() + "&authcode=" + event.authcode();
    }
}
