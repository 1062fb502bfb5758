package dev.verimail.mailer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.verimail.events.registration.RegistrationEvent;
import dev.verimail.events.registration.UserRegistered;
import dev.verimail.events.registration.VerificationReissued;
import dev.verimail.mailer.SendCloudStandIn.Reply;
import dev.verimail.testbed.ServiceTest;
import dev.verimail.testbed.TestHttp;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /admin/deliveries/redrive}: deliveries that FAILED for a permanent SendCloud error keep their link
 * until it expires, and an operator can send them once the cause is fixed. Each test uses a SendCloud code of its
 * own, so the re-drives of one test never touch the deliveries of another.
 */
@ServiceTest(properties = {
        "mailer.transport=sendcloud",
        "sendcloud.allow-http=true",
        "sendcloud.api-user=verimail-test",
        "sendcloud.api-key=" + AdminRedriveTests.API_KEY,
        "sendcloud.template=verimail_verify",
        "sendcloud.from=no-reply@verimail.dev",
        "sendcloud.timeout=PT1S",
        "sendcloud.connect-timeout=PT1S",
        "mailer.retry.max-attempts=3",
        "mailer.retry.initial-interval=PT0.05S",
        "mailer.retry.max-interval=PT0.2S",
        "mailer.redrive.interval=PT0.2S",
        "mailer.redrive.initial-delay=PT0.3S",
        "mailer.redrive.max-delay=PT0.6S",
        "mailer.redrive.lease=PT10S",
        "mailer.redrive.secret-sweep-interval=PT0.5S" })
@ExtendWith(OutputCaptureExtension.class)
class AdminRedriveTests {

    static final String API_KEY = "KEY-7c9e6679742540de944be07fc1f90ae7";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration WAIT = Duration.ofSeconds(30);

    static final SendCloudStandIn sendCloud = SendCloudStandIn.start();

    @DynamicPropertySource
    static void sendCloudUrl(DynamicPropertyRegistry registry) {
        registry.add("sendcloud.base-url", sendCloud::baseUrl);
    }

    @AfterAll
    static void stopStandIn() {
        sendCloud.close();
    }

    @LocalServerPort
    int port;

    @Autowired
    org.springframework.core.env.Environment environment;

    @Value("${spring.kafka.bootstrap-servers}")
    String bootstrapServers;

    @Autowired
    JdbcTemplate db;

    TestHttp http;
    DeliveryRecords records;
    Events events;

    @BeforeEach
    void setUp() {
        http = TestHttp.localhost(port);
        records = new DeliveryRecords(http);
        events = new Events(bootstrapServers);
    }

    @AfterEach
    void tearDown() {
        events.close();
    }

    @Test
    void deliveriesRefusedForBadCredentialsAreSentOnceEachAfterTheKeyIsFixedAndTheyAreRedriven(CapturedOutput output) {
        List<UserRegistered> refused = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String email = "bad-key-" + i + "@example.com";
            sendCloud.script(email, Reply.error(40005, "apiKey " + API_KEY + " is wrong"));
            refused.add(Events.registered(Events.newUserId(), email, Instant.now().plus(Duration.ofHours(1))));
        }
        String otherEmail = "bad-recipient@example.com";
        sendCloud.script(otherEmail, Reply.error(40806, "bad recipient"));
        UserRegistered other = Events.registered(Events.newUserId(), otherEmail, Instant.now().plus(Duration.ofHours(1)));

        refused.forEach(events::publish);
        events.publish(other);
        refused.forEach(e -> records.awaitStatus(e, "FAILED"));
        records.awaitStatus(other, "FAILED");

        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                .until(() -> refused.stream().allMatch(e -> sendCloud.calls(e.email()).size() == 1));
        refused.forEach(e -> assertThat(secretOf(e)).as("the link is kept for a re-drive").isNotNull());
        assertThat(TestHttp.management(environment).get("/actuator/prometheus").body()).containsPattern("mailer_emails_failed_total\\{[^}]*code=\"40005\"");
        assertThat(output.getAll())
                .contains("Fix SENDCLOUD_API_USER / SENDCLOUD_API_KEY and restart the mailer")
                .contains("POST /admin/deliveries/redrive?code=40005")
                .doesNotContain(API_KEY);

        HttpResponse<String> response = http.asOperator().post("/admin/deliveries/redrive?code=40005", "application/json", "");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).get("redriven").asInt()).isEqualTo(3);
        refused.forEach(e -> records.awaitStatus(e, "SENT"));
        refused.forEach(e -> {
            assertThat(sendCloud.calls(e.email())).hasSize(2);
            assertThat(sendCloud.calls(c -> c.to().equals(e.email()) && c.succeeded())).hasSize(1);
            assertThat(secretOf(e)).as("a sent delivery forgets its link").isNull();
        });
        assertThat(records.of(other).get("status").asString()).isEqualTo("FAILED");
        assertThat(sendCloud.calls(otherEmail)).hasSize(1);
        assertThat(redrive(40005)).isZero();
        assertThat(TestHttp.management(environment).get("/actuator/prometheus").body()).containsPattern("mailer_emails_retried_total\\{[^}]*stage=\"admin\"");

        assertThat(redrive(null)).as("without a code, every redrivable delivery").isOne();
        records.awaitStatus(other, "SENT");
        assertThat(sendCloud.calls(otherEmail)).hasSize(2);
    }

    @Test
    void aDeliveryThatFailsAgainAfterARedriveIsFailedAgainAndCanBeRedrivenOnceMore() {
        String email = "template-broken@example.com";
        sendCloud.script(email, Reply.error(40823, "template missing"), Reply.error(40823, "template missing"));
        UserRegistered event = Events.registered(Events.newUserId(), email, Instant.now().plus(Duration.ofHours(1)));
        events.publish(event);
        records.awaitStatus(event, "FAILED");

        assertThat(redrive(40823)).isOne();
        await().atMost(WAIT).until(() -> sendCloud.calls(email).size() == 2);
        JsonNode failedAgain = records.awaitStatus(event, "FAILED");
        assertThat(failedAgain.get("failureReason").asString()).isEqualTo("PERMANENT");
        assertThat(failedAgain.get("attempts").asInt()).isEqualTo(2);

        assertThat(redrive(40823)).isOne();
        records.awaitStatus(event, "SENT");
        assertThat(sendCloud.calls(email)).hasSize(3);
    }

    @Test
    void expiredOrSupersededDeliveriesAreNotRedrivenAndLoseTheirLink() {
        String expiringEmail = "expiring-refused@example.com";
        sendCloud.script(expiringEmail, Reply.error(40824, "template refused"));
        UserRegistered expiring = Events.registered(Events.newUserId(), expiringEmail, Instant.now().plus(Duration.ofSeconds(3)));
        long user = Events.newUserId();
        String reissuedEmail = "reissued-refused@example.com";
        sendCloud.script(reissuedEmail, Reply.error(40824, "template refused"));
        UserRegistered first = Events.registered(user, "Re Issue", reissuedEmail, "tok-first-admin", "SECRET-AUTH-first-admin");
        events.publish(expiring);
        events.publish(first);
        records.awaitStatus(expiring, "FAILED");
        records.awaitStatus(first, "FAILED");

        VerificationReissued second = Events.reissued(user, "Re Issue", reissuedEmail, "tok-second-admin", "SECRET-AUTH-second-admin");
        events.publish(second);
        records.awaitStatus(second, "SENT");
        JsonNode superseded = records.of(first);
        assertThat(superseded.get("failureReason").asString()).isEqualTo("SUPERSEDED");
        assertThat(superseded.get("sendCloudCode").asInt()).isEqualTo(40824);
        assertThat(secretOf(first)).isNull();

        await().atMost(WAIT).until(() -> Instant.now().isAfter(expiring.expiresAt()));
        assertThat(redrive(40824)).isZero();
        await().atMost(WAIT).until(() -> secretOf(expiring) == null);
        assertThat(records.of(expiring).get("status").asString()).isEqualTo("FAILED");
        assertThat(sendCloud.calls(expiringEmail)).hasSize(1);
        assertThat(sendCloud.calls(c -> c.url().contains("tok-first-admin"))).hasSize(1);
    }

    private int redrive(Integer code) {
        HttpResponse<String> response = http.asOperator().post("/admin/deliveries/redrive" + (code == null ? "" : "?code=" + code),
                "application/json", "");
        assertThat(response.statusCode()).isEqualTo(200);
        return JSON.readTree(response.body()).get("redriven").asInt();
    }

    private String secretOf(RegistrationEvent event) {
        Map<String, Object> row = db.queryForMap("SELECT token, authcode FROM delivery WHERE event_id = ?",
                event.eventId().toString());
        assertThat(row.get("token") == null).isEqualTo(row.get("authcode") == null);
        return (String) row.get("authcode");
    }
}
