package dev.verimail.registration;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Calendar;
import java.util.List;
import java.util.TimeZone;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.verimail.events.CloudEventHeaders;
import dev.verimail.events.Topics;
import dev.verimail.events.registration.RegistrationEvent;
import dev.verimail.events.registration.UserRegistered;
import dev.verimail.outbox.EventJson;
import dev.verimail.events.secret.AuthcodeDigest;
import dev.verimail.testbed.EventSchemaAssert;
import dev.verimail.testbed.SealedChallenges;
import dev.verimail.testbed.TestBedInitializer;
import dev.verimail.web.link.SignedTokens;
import dev.verimail.testbed.ServiceTest;
import dev.verimail.testbed.TestHttp;
import dev.verimail.testbed.TopicReader;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@ServiceTest
@ExtendWith(OutputCaptureExtension.class)
class SignupApiTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Autowired
    org.springframework.core.env.Environment environment;

    @Autowired
    JdbcTemplate db;

    @Value("${spring.kafka.bootstrap-servers}")
    String bootstrapServers;

    static TopicReader registrationEvents;

    TestHttp http;

    @BeforeEach
    void setUp() {
        http = TestHttp.localhost(port);
        if (registrationEvents == null) {
            registrationEvents = TopicReader.fromBeginning(bootstrapServers, Topics.REGISTRATION_EVENTS);
        }
    }

    @AfterAll
    static void closeReader() {
        if (registrationEvents != null) {
            registrationEvents.close();
            registrationEvents = null;
        }
    }

    @Test
    void acceptsASignupStoresItPendingAndPublishesUserRegistered() {
        Instant before = Instant.now();
        HttpResponse<String> response = http.postJson("/api/registrations",
                "{\"name\":\"  Ada Lovelace \",\"email\":\" Ada@Example.com \"}");

        assertThat(response.statusCode()).isEqualTo(202);
        JsonNode body = JSON.readTree(response.body());
        long id = body.get("id").asLong();
        assertThat(response.headers().firstValue("Location")).hasValue("/api/registrations/" + id);
        assertThat(body.get("name").asString()).isEqualTo("Ada Lovelace");
        assertThat(body.get("email").asString()).isEqualTo("Ada@Example.com");
        assertThat(body.get("status").asString()).isEqualTo("PENDING");
        assertThat(Instant.parse(body.get("registeredAt").asString())).isBetween(before.minusSeconds(1), Instant.now());

        assertThat(db.queryForObject("SELECT status FROM users WHERE id = ?", String.class, id)).isEqualTo("PENDING");
        Instant stored = db.query("SELECT registered_at FROM users WHERE id = ?",
                (java.sql.ResultSet rs) -> {
                    rs.next();
                    return rs.getTimestamp(1, Calendar.getInstance(TimeZone.getTimeZone("UTC"))).toInstant();
                }, id);
        assertThat(stored)
                .as("what the sign-up answered is what is stored, as UTC, whatever the JVM's time zone")
                .isEqualTo(Instant.parse(body.get("registeredAt").asString()));
        assertThat(db.queryForObject("SELECT email_key FROM users WHERE id = ?", String.class, id)).isEqualTo("ada@example.com");

        ConsumerRecord<String, String> record = registrationEvents.await(r -> r.key().equals(Long.toString(id)), 1,
                Duration.ofSeconds(30)).get(0);
        EventSchemaAssert.assertMatchesSchema("UserRegistered", record.value());
        UserRegistered event = (UserRegistered) EventJson.read(record.value(), RegistrationEvent.class);
        assertThat(event.userId()).isEqualTo(id);
        assertThat(event.name()).isEqualTo("Ada Lovelace");
        assertThat(event.email()).isEqualTo("Ada@Example.com");
        assertThat(Base64.getUrlDecoder().decode(event.token())).hasSizeGreaterThanOrEqualTo(16);
        assertThat(event.authcode()).as("v2: the authcode never crosses the bus in clear").isNull();
        assertThat(JSON.readTree(record.value()).has("authcode")).isFalse();
        String authcode = SealedChallenges.authcode(event);
        assertThat(Base64.getUrlDecoder().decode(authcode)).hasSizeGreaterThanOrEqualTo(32);
        assertThat(event.authcodeHash()).isEqualTo(AuthcodeDigest.of(authcode));
        assertThat(record.value()).doesNotContain(authcode);
        assertThat(event.token()).isNotEqualTo(authcode);
        // the code beside the link: sealed for the mailer, a keyed hash for verification-service, never in clear
        String code = SealedChallenges.code(event);
        assertThat(code).matches("[0-9]{6}");
        assertThat(event.codeHash()).matches("[A-Za-z0-9_-]{43}");
        SignedTokens linkKey = SignedTokens.of(TestBedInitializer.LINK_KEY);
        assertThat(linkKey.codeMatches(event.token(), code, event.codeHash())).isTrue();
        assertThat(linkKey.codeMatches(event.token(), code.equals("000000") ? "000001" : "000000", event.codeHash()))
                .isFalse();
        assertThat(JSON.readTree(record.value()).has("code")).isFalse();
        assertThat(event.expiresAt()).isBetween(event.occurredAt().plus(Duration.ofHours(24)).minusSeconds(1),
                event.occurredAt().plus(Duration.ofHours(24)).plusSeconds(1));

        assertThat(TopicReader.header(record, CloudEventHeaders.SPEC_VERSION)).isEqualTo("1.0");
        assertThat(TopicReader.header(record, CloudEventHeaders.ID)).isEqualTo(event.eventId().toString());
        assertThat(TopicReader.header(record, CloudEventHeaders.TYPE)).isEqualTo("verimail.registration.UserRegistered.v2");
        assertThat(TopicReader.header(record, CloudEventHeaders.SOURCE)).isEqualTo("/verimail/registration-service");
        assertThat(Instant.parse(TopicReader.header(record, CloudEventHeaders.TIME))).isEqualTo(event.occurredAt());
        assertThat(TopicReader.header(record, CloudEventHeaders.CONTENT_TYPE)).isEqualTo("application/json");

        assertThat(db.queryForObject("SELECT COUNT(*) FROM outbox_event", Integer.class))
                .as("published rows, and the authcode in them, are gone").isZero();
    }

    @Test
    void getAnswersOnlyTheIdAndTheStatus() {
        long id = register("Grace Hopper", "grace@example.com");

        HttpResponse<String> response = http.get("/api/registrations/" + id);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.propertyNames()).as("the full record is for operators").containsExactlyInAnyOrder("id", "status");
        assertThat(body.get("id").asLong()).isEqualTo(id);
        assertThat(body.get("status").asString()).isEqualTo("PENDING");
    }

    @Test
    void idsAreRandomNotSequential() {
        HttpResponse<String> first = http.postJson("/api/registrations", "{\"name\":\"One\",\"email\":\"one.random@example.com\"}");
        HttpResponse<String> second = http.postJson("/api/registrations", "{\"name\":\"Two\",\"email\":\"two.random@example.com\"}");
        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(second.statusCode()).isEqualTo(202);
        long a = JSON.readTree(first.body()).get("id").asLong();
        long b = JSON.readTree(second.body()).get("id").asLong();

        assertThat(a).as("not small").isGreaterThan(1L << 40);
        assertThat(b).as("not small").isGreaterThan(1L << 40);
        assertThat(Math.abs(a - b)).as("not adjacent").isGreaterThan(1000L);
        assertThat(first.headers().firstValue("Location")).hasValue("/api/registrations/" + a);
        assertThat(second.headers().firstValue("Location")).hasValue("/api/registrations/" + b);
        assertThat(db.queryForObject("SELECT COUNT(*) FROM users WHERE id IN (?, ?)", Integer.class, a, b)).isEqualTo(2);
        assertThat(JSON.readTree(http.get("/api/registrations/" + b).body()).get("status").asString()).isEqualTo("PENDING");
    }

    @Test
    void unknownIdIsA404Problem() {
        HttpResponse<String> response = http.get("/api/registrations/987654321");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(JSON.readTree(response.body()).get("code").asString()).isEqualTo("not-found");
    }

    @Test
    void nonNumericIdIsA400Problem() {
        HttpResponse<String> response = http.get("/api/registrations/abc");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }

    @Test
    void aTakenAddressIsNeverWrittenToTheLog(CapturedOutput output) {
        register("Ada", "ada.logged@example.com");

        HttpResponse<String> response = http.postJson("/api/registrations", "{\"name\":\"Ada\",\"email\":\"ada.logged@example.com\"}");

        assertThat(response.statusCode()).isEqualTo(409);
        assertThat(output.getAll()).doesNotContain("ada.logged@example.com");
    }

    @Test
    void takenEmailInAnotherLetterCaseIs409() {
        register("Alan", "alan@example.com");
        int users = countUsers();

        HttpResponse<String> response = http.postJson("/api/registrations", "{\"name\":\"Alan 2\",\"email\":\"ALAN@Example.COM\"}");

        assertThat(response.statusCode()).isEqualTo(409);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(JSON.readTree(response.body()).get("code").asString()).isEqualTo("email-taken");
        assertThat(countUsers()).isEqualTo(users);
    }

    @Test
    void twoConcurrentSignupsWithOneEmailGiveOne202AndOne409() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 5; round++) {
                String email = "race" + round + "@example.com";
                CyclicBarrier start = new CyclicBarrier(2);
                Callable<Integer> signup = () -> {
                    start.await();
                    return http.postJson("/api/registrations", "{\"name\":\"Racer\",\"email\":\"" + email + "\"}").statusCode();
                };
                List<Future<Integer>> results = List.of(pool.submit(signup), pool.submit(signup));
                List<Integer> statuses = new ArrayList<>();
                for (Future<Integer> result : results) {
                    statuses.add(result.get());
                }
                assertThat(statuses).containsExactlyInAnyOrder(202, 409);
                assertThat(db.queryForObject("SELECT COUNT(*) FROM users WHERE email_key = ?", Integer.class, email)).isOne();
            }
        }
        finally {
            pool.shutdownNow();
        }
    }

    static Stream<Arguments> badInput() {
        String json = "application/json";
        return Stream.of(
                Arguments.of("empty name", json, "{\"name\":\"\",\"email\":\"a@example.com\"}", 400, "name"),
                Arguments.of("blank name", json, "{\"name\":\"   \",\"email\":\"a@example.com\"}", 400, "name"),
                Arguments.of("missing name", json, "{\"email\":\"a@example.com\"}", 400, "name"),
                Arguments.of("101-char name", json, "{\"name\":\"" + "x".repeat(101) + "\",\"email\":\"a@example.com\"}", 400, "name"),
                Arguments.of("control character", json, "{\"name\":\"Bob\\u0007\",\"email\":\"a@example.com\"}", 400, "name"),
                Arguments.of("newline in name", json, "{\"name\":\"Bob\\nSubject: spam\",\"email\":\"a@example.com\"}", 400, "name"),
                Arguments.of("bidi override", json, "{\"name\":\"Bob\\u202Eevil\",\"email\":\"a@example.com\"}", 400, "name"),
                Arguments.of("email without @", json, "{\"name\":\"Bob\",\"email\":\"bob.example.com\"}", 400, "email"),
                Arguments.of("255-char email", json, "{\"name\":\"Bob\",\"email\":\"" + "a".repeat(64) + "@" + "b".repeat(60) + "." + "c".repeat(60) + "." + "d".repeat(63) + ".info\"}", 400, "email"),
                Arguments.of("email with space", json, "{\"name\":\"Bob\",\"email\":\"bob smith@example.com\"}", 400, "email"),
                Arguments.of("email with CRLF", json, "{\"name\":\"Bob\",\"email\":\"bob@example.com\\r\\nBcc: x@evil.com\"}", 400, "email"),
                Arguments.of("malformed JSON", json, "{\"name\":\"Bob\",", 400, null),
                Arguments.of("JSON array", json, "[1,2,3]", 400, null),
                Arguments.of("text/plain body", "text/plain", "name=Bob&email=bob@example.com", 415, null),
                Arguments.of("1 MiB body", json, "{\"name\":\"" + "x".repeat(1024 * 1024) + "\",\"email\":\"a@example.com\"}", 413, null));
    }

    @ParameterizedTest(name = "{0} -> {3}")
    @MethodSource("badInput")
    void rejectsBadInputWithAProblemAndStoresNothing(String label, String contentType, String body, int status,
            String field) {
        int users = countUsers();

        HttpResponse<String> response = http.post("/api/registrations", contentType, body);

        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("code").asString()).isNotBlank();
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("at dev.verimail");
        if (field != null) {
            assertThat(problem.get("errors").findValuesAsString("field")).contains(field);
        }
        assertThat(countUsers()).isEqualTo(users);
    }

    @Test
    void acceptsAnEmailOfExactly254Characters() {
        String email = "a".repeat(64) + "@" + "b".repeat(60) + "." + "c".repeat(60) + "." + "d".repeat(63) + ".com";
        assertThat(email).hasSize(254);

        assertThat(http.postJson("/api/registrations", "{\"name\":\"Long\",\"email\":\"" + email + "\"}").statusCode())
                .isEqualTo(202);
    }

    @Test
    void storesHostileNamesLiterally() {
        for (String name : List.of("<script>alert(1)</script>", "'; drop table users; --", "Zoë 李 🙂 O'Brien")) {
            String email = "hostile" + Math.abs(name.hashCode()) + "@example.com";
            long id = register(name, email);

            assertThat(db.queryForObject("SELECT name FROM users WHERE id = ?", String.class, id)).isEqualTo(name);
        }
        assertThat(db.queryForObject("SELECT COUNT(*) FROM users", Integer.class)).isPositive();
    }

    @Test
    void exposesHealthAndPrometheusMetrics() {
        assertThat(TestHttp.management(environment).get("/actuator/health/liveness").statusCode()).isEqualTo(200);
        assertThat(TestHttp.management(environment).get("/actuator/health/readiness").statusCode()).isEqualTo(200);
        HttpResponse<String> metrics = TestHttp.management(environment).get("/actuator/prometheus");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("outbox_published_total");
    }

    private long register(String name, String email) {
        HttpResponse<String> response = http.postJson("/api/registrations",
                JSON.writeValueAsString(java.util.Map.of("name", name, "email", email)));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return JSON.readTree(response.body()).get("id").asLong();
    }

    private int countUsers() {
        return db.queryForObject("SELECT COUNT(*) FROM users", Integer.class);
    }
}
