package dev.verimail.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.verimail.events.CloudEventHeaders;
import dev.verimail.events.Topics;
import dev.verimail.events.verification.EmailChanged;
import dev.verimail.events.verification.EmailVerified;
import dev.verimail.events.verification.VerificationEvent;
import dev.verimail.outbox.EventJson;
import dev.verimail.testbed.EventSchemaAssert;
import dev.verimail.testbed.SendCloudStandIn;
import dev.verimail.testbed.TestHttp;
import dev.verimail.testbed.TopicReader;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An operator's address change across the three services, through the secured Kafka, with the SendCloud stand-in:
 * sign up and verify, change the address (the new one gets a link, the old one a notice), confirm the new link; a
 * subscriber of {@code verification-events} hears {@code EmailVerified} for the new address and {@code EmailChanged},
 * and the registration shows the new address. A change to an address another user has is refused.
 */
class EmailChangeTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    static SendCloudStandIn sendCloud;
    static VerimailStack stack;
    static TopicReader subscriber;

    @BeforeAll
    static void startSystem() {
        sendCloud = SendCloudStandIn.start();
        stack = VerimailStack.start("email-change", Map.of(
                "MAILER_TRANSPORT", "sendcloud",
                "SENDCLOUD_ALLOW_HTTP", "true",
                "SENDCLOUD_API_USER", "e2e-user",
                "SENDCLOUD_API_KEY", "e2e-secret-key-123",
                "SENDCLOUD_BASE_URL", sendCloud.baseUrl(),
                "SENDCLOUD_TEMPLATE", "verimail_verify",
                "SENDCLOUD_CHANGE_NOTICE_TEMPLATE", "verimail_change",
                "SENDCLOUD_FROM", "no-reply@verimail.test"));
        subscriber = stack.reader(Topics.VERIFICATION_EVENTS);
    }

    @AfterAll
    static void stopSystem() {
        if (subscriber != null) {
            subscriber.close();
        }
        if (stack != null) {
            stack.close();
        }
        if (sendCloud != null) {
            sendCloud.close();
        }
    }

    @Test
    void aChangedAddressIsVerifiedBeforeItCountsAndSubscribersHearOfIt() {
        TestHttp registration = new TestHttp(stack.registration.baseUrl());
        TestHttp operator = registration.withAuthorization("Bearer " + stack.registration.operatorToken());
        TestHttp verification = new TestHttp(stack.verification.baseUrl());
        String old = "mover.e2e@example.com";
        String moved = "Moved.E2E@example.org";
        long id = signUpAndVerify(registration, verification, "Mover", old);

        HttpResponse<String> started = operator.postJson("/api/registrations/" + id + "/email",
                JSON.writeValueAsString(Map.of("email", moved)));
        assertThat(started.statusCode()).isEqualTo(202);
        assertThat(JSON.readTree(started.body()).get("pendingEmail").asString()).isEqualTo(moved);
        assertThat(JSON.readTree(started.body()).get("email").asString()).isEqualTo(old);

        // the new address gets the link, the old one the notice
        String link = link(moved);
        SendCloudStandIn.Call notice = await().atMost(Duration.ofSeconds(60)).until(() -> callsTo(old).stream()
                .filter(c -> "verimail_change".equals(c.field("templateInvokeName"))).toList(),
                calls -> !calls.isEmpty()).get(0);
        JsonNode sub = JSON.readTree(notice.field("xsmtpapi")).get("sub");
        assertThat(sub.get("%email%").get(0).asString()).isEqualTo("M***@example.org");
        assertThat(sub.get("%name%").get(0).asString()).isEqualTo("Mover");
        assertThat(full(operator, id).get("email").asString()).as("not before it is confirmed").isEqualTo(old);
        assertThat(full(operator, id).get("status").asString()).isEqualTo("VERIFIED");

        confirm(verification, link);

        await().atMost(Duration.ofSeconds(60)).until(() -> full(operator, id).get("email").asString(), moved::equals);
        JsonNode view = full(operator, id);
        assertThat(view.get("status").asString()).isEqualTo("VERIFIED");
        assertThat(view.get("pendingEmail").isNull()).isTrue();

        List<ConsumerRecord<String, String>> heard = subscriber.await(r -> r.key().equals(Long.toString(id))
                && EmailChanged.CLOUD_EVENT_TYPE.equals(TopicReader.header(r, CloudEventHeaders.TYPE)), 1,
                Duration.ofSeconds(60));
        ConsumerRecord<String, String> changedRecord = heard.get(0);
        EventSchemaAssert.assertMatchesSchema("EmailChanged", changedRecord.value());
        EmailChanged changed = (EmailChanged) EventJson.read(changedRecord.value(), VerificationEvent.class);
        assertThat(changed.previousEmail()).isEqualTo(old);
        assertThat(changed.email()).isEqualTo(moved);
        assertThat(TopicReader.header(changedRecord, CloudEventHeaders.SOURCE)).isEqualTo("/verimail/registration-service");
        List<EmailVerified> verified = subscriber.seen().stream().filter(r -> r.key().equals(Long.toString(id))
                && EmailVerified.CLOUD_EVENT_TYPE.equals(TopicReader.header(r, CloudEventHeaders.TYPE)))
                .map(r -> (EmailVerified) EventJson.read(r.value(), VerificationEvent.class)).toList();
        assertThat(verified).extracting(EmailVerified::email).as("the sign-up's, then the new address's")
                .containsExactly(old, moved);

        assertThat(registration.postJson("/api/registrations", JSON.writeValueAsString(Map.of("name", "X",
                "email", "moved.e2e@example.org"))).statusCode()).as("the new address is taken").isEqualTo(409);
    }

    @Test
    void aChangeToAnAddressAnotherUserHasIsRefused() {
        TestHttp registration = new TestHttp(stack.registration.baseUrl());
        TestHttp operator = registration.withAuthorization("Bearer " + stack.registration.operatorToken());
        TestHttp verification = new TestHttp(stack.verification.baseUrl());
        long id = signUpAndVerify(registration, verification, "Wants", "wants.e2e@example.com");
        assertThat(registration.postJson("/api/registrations", JSON.writeValueAsString(Map.of("name", "Has",
                "email", "has.e2e@example.com"))).statusCode()).isEqualTo(202);

        HttpResponse<String> refused = operator.postJson("/api/registrations/" + id + "/email",
                JSON.writeValueAsString(Map.of("email", "Has.E2E@example.com")));

        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(refused.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
        assertThat(JSON.readTree(refused.body()).get("code").asString()).isEqualTo("email-taken");
        assertThat(full(operator, id).get("pendingEmail").isNull()).isTrue();
        assertThat(callsTo("has.e2e@example.com")).as("only its own sign-up's email").hasSize(1);
    }

    private static long signUpAndVerify(TestHttp registration, TestHttp verification, String name, String email) {
        HttpResponse<String> signup = registration.postJson("/api/registrations",
                JSON.writeValueAsString(Map.of("name", name, "email", email)));
        assertThat(signup.statusCode()).isEqualTo(202);
        long id = JSON.readTree(signup.body()).get("id").asLong();
        confirm(verification, link(email));
        await().atMost(Duration.ofSeconds(60)).until(() -> JSON.readTree(registration.get("/api/registrations/" + id)
                .body()).get("status").asString(), "VERIFIED"::equals);
        return id;
    }

    /** The link of the newest verification email to {@code email}. */
    private static String link(String email) {
        List<SendCloudStandIn.Call> calls = await().atMost(Duration.ofSeconds(60)).until(() -> callsTo(email).stream()
                .filter(c -> "verimail_verify".equals(c.field("templateInvokeName"))).toList(), c -> !c.isEmpty());
        return JSON.readTree(calls.get(calls.size() - 1).field("xsmtpapi")).get("sub").get("%url%").get(0).asString();
    }

    /** Opens the link (once verification-service has its challenge) and presses the button. */
    private static void confirm(TestHttp verification, String link) {
        HttpResponse<String> page = await().atMost(Duration.ofSeconds(30))
                .until(() -> verification.send(HttpRequest.newBuilder(URI.create(link)).GET()),
                        p -> p.statusCode() != 404 && p.statusCode() != 503);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<form");
        Map<String, String> query = query(link);
        assertThat(verification.postForm("/verify", Map.of("token", query.get("token"), "authcode",
                query.get("authcode"))).statusCode()).isEqualTo(200);
    }

    private static JsonNode full(TestHttp operator, long id) {
        return JSON.readTree(operator.get("/api/registrations/" + id).body());
    }

    private static List<SendCloudStandIn.Call> callsTo(String email) {
        return sendCloud.calls().stream().filter(c -> c.field("xsmtpapi") != null
                && JSON.readTree(c.field("xsmtpapi")).get("to").get(0).asString().equalsIgnoreCase(email)).toList();
    }

    private static Map<String, String> query(String link) {
        Map<String, String> params = new HashMap<>();
        for (String pair : URI.create(link).getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            params.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return params;
    }
}
