package dev.verimail.registration;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.verimail.events.Topics;
import dev.verimail.testbed.ServiceTest;
import dev.verimail.testbed.TestHttp;
import dev.verimail.testbed.TopicReader;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The abuse limits (DESIGN.md, "Abuse limits") hold across two instances of the service on one database: requests
 * alternate between them and the counts add up. Each test is its own client, named by {@code X-Forwarded-For} from
 * 127.0.0.1, which these instances trust as their proxy; the answers are the same for registered and unknown
 * addresses, and never name one.
 */
@ServiceTest(properties = { AbuseLimitTests.PER_CLIENT, AbuseLimitTests.PER_EMAIL, AbuseLimitTests.TRUSTED,
        AbuseLimitTests.COOLDOWN })
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AbuseLimitTests {

    static final String PER_CLIENT = "registration.limits.per-client=4/1h";
    static final String PER_EMAIL = "registration.limits.per-email=3/24h";
    static final String TRUSTED = "verimail.trusted-proxies=127.0.0.1,::1";
    static final String COOLDOWN = "registration.resend-cooldown=PT0.2S";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Value("${spring.kafka.bootstrap-servers}")
    String bootstrapServers;

    @Autowired
    Environment environment;

    @Autowired
    JdbcTemplate db;

    private ConfigurableApplicationContext second;
    private TestHttp a;
    private TestHttp b;

    @BeforeAll
    void startSecondInstance() {
        second = new SpringApplicationBuilder(RegistrationApplication.class).run("--server.port=0",
                "--management.server.port=0",
                "--spring.datasource.url=" + environment.getProperty("spring.datasource.url"),
                "--spring.datasource.username=" + environment.getProperty("spring.datasource.username"),
                "--spring.datasource.password=" + environment.getProperty("spring.datasource.password"),
                "--spring.kafka.bootstrap-servers=" + bootstrapServers,
                "--verimail.link-key=" + environment.getProperty("verimail.link-key"),
                "--verimail.secret-keys=" + environment.getProperty("verimail.secret-keys"),
                "--" + PER_CLIENT, "--" + PER_EMAIL, "--" + TRUSTED, "--" + COOLDOWN);
        a = TestHttp.localhost(port);
        b = TestHttp.localhost(second.getEnvironment().getProperty("local.server.port", Integer.class));
    }

    @AfterAll
    void stopSecondInstance() {
        if (second != null) {
            second.close();
        }
    }

    @Test
    void oneClientGetsFourSignUpsAndResendsAcrossBothInstancesThenA429() {
        String client = "203.0.113.10";
        List<HttpResponse<String>> answers = List.of(
                signup(a, client, "c1@example.com"), signup(b, client, "c2@example.com"),
                resend(a, client, "c1@example.com"), signup(b, client, "c3@example.com"),
                signup(a, client, "c4@example.com"), resend(b, client, "nobody@example.com"));

        assertThat(answers.subList(0, 4)).extracting(HttpResponse::statusCode).containsExactly(202, 202, 202, 202);
        assertRateLimited(answers.get(4), "c4@example.com");
        assertRateLimited(answers.get(5), "nobody@example.com");
        assertThat(db.queryForObject("SELECT COUNT(*) FROM users WHERE email_key = 'c4@example.com'", Integer.class))
                .as("a refused sign-up stores nothing").isZero();
        // another client is not held up by this one
        assertThat(signup(b, "203.0.113.11", "c5@example.com").statusCode()).isEqualTo(202);
    }

    @Test
    void oneAddressGetsThreeVerificationEmailsADayAcrossBothInstancesRegisteredOrNot() throws Exception {
        // a registered address: the sign-up and two resends, from different clients and instances
        assertThat(signup(a, "198.51.100.1", "victim@example.com").statusCode()).isEqualTo(202);
        Thread.sleep(300);
        assertThat(resend(b, "198.51.100.2", "victim@example.com").statusCode()).isEqualTo(202);
        Thread.sleep(300);
        assertThat(resend(a, "198.51.100.3", "victim@example.com").statusCode()).isEqualTo(202);
        Thread.sleep(300);
        HttpResponse<String> registered = resend(b, "198.51.100.4", "victim@example.com");

        // an unknown address answers exactly alike
        for (int i = 0; i < 3; i++) {
            assertThat(resend(i % 2 == 0 ? a : b, "198.51.100.5" + i, "ghost@example.com").statusCode()).isEqualTo(202);
            Thread.sleep(300);
        }
        HttpResponse<String> unknown = resend(a, "198.51.100.9", "ghost@example.com");

        assertRateLimited(registered, "victim@example.com");
        assertRateLimited(unknown, "ghost@example.com");
        assertThat(JSON.readTree(registered.body()).get("detail").asString().replaceAll("\\d+", "N"))
                .as("the same words for both").isEqualTo(JSON.readTree(unknown.body()).get("detail").asString().replaceAll("\\d+", "N"));
        try (TopicReader reader = TopicReader.fromBeginning(bootstrapServers, Topics.REGISTRATION_EVENTS)) {
            assertThat(reader.readFor(Duration.ofSeconds(5), r -> r.value().contains("\"victim@example.com\"")))
                    .as("one UserRegistered and two VerificationReissued, no more").hasSize(3);
        }
    }

    @Test
    void theFormAnswers429WithAMessageAndRetryAfter() {
        String client = "203.0.113.20";
        for (int i = 0; i < 4; i++) {
            assertThat(form(i % 2 == 0 ? a : b, client, "form" + i + "@example.com").statusCode()).isEqualTo(302);
        }
        HttpResponse<String> page = form(b, client, "form9@example.com");

        assertThat(page.statusCode()).isEqualTo(429);
        assertThat(Long.parseLong(page.headers().firstValue("Retry-After").orElseThrow())).isPositive();
        assertThat(page.body()).contains("Too many sign-ups").contains("value=\"form9@example.com\"");
    }

    private static void assertRateLimited(HttpResponse<String> response, String email) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(429);
        assertThat(Long.parseLong(response.headers().firstValue("Retry-After").orElseThrow())).isPositive();
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.get("code").asString()).isEqualTo("rate-limited");
        assertThat(response.body()).doesNotContain(email);
    }

    private static HttpResponse<String> signup(TestHttp http, String client, String email) {
        return http.send(HttpRequest.newBuilder(http.uri("/api/registrations")).header("Content-Type", "application/json")
                .header("X-Forwarded-For", client)
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"L\",\"email\":\"" + email + "\"}")));
    }

    private static HttpResponse<String> resend(TestHttp http, String client, String email) {
        return http.send(HttpRequest.newBuilder(http.uri("/api/registrations/resend")).header("Content-Type", "application/json")
                .header("X-Forwarded-For", client)
                .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"" + email + "\"}")));
    }

    private static HttpResponse<String> form(TestHttp http, String client, String email) {
        return http.send(HttpRequest.newBuilder(http.uri("/register"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("X-Forwarded-For", client)
                .POST(HttpRequest.BodyPublishers.ofString(TestHttp.form(Map.of("name", "F", "email", email)))));
    }
}
