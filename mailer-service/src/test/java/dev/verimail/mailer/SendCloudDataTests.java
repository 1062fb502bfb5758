package dev.verimail.mailer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.verimail.events.registration.SignupAttempted;
import dev.verimail.events.registration.UserRegistered;
import dev.verimail.mailer.SendCloudStandIn.Call;
import dev.verimail.testbed.ServiceTest;
import dev.verimail.testbed.TestHttp;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Whatever a name holds (CR/LF, {@code %url%}, form syntax, JSON syntax), it reaches SendCloud only as data: the
 * value of {@code %name%} inside the {@code xsmtpapi} JSON, exactly as it arrived. No extra form field, no extra
 * recipient, no changed link, no header. Registration refuses control characters already; this proves the mailer
 * would not be fooled by an event that carries them anyway.
 */
@ServiceTest(properties = {
        "mailer.transport=sendcloud",
        "sendcloud.allow-http=true",
        "sendcloud.api-user=verimail-test",
        "sendcloud.api-key=" + SendCloudDataTests.API_KEY,
        "sendcloud.template=verimail_verify",
        "sendcloud.from=no-reply@verimail.dev",
        "sendcloud.from-name=Verimail",
        "sendcloud.subject=Please verify your email",
        "mailer.verification-url=https://verimail.example/verify" })
@ExtendWith(OutputCaptureExtension.class)
class SendCloudDataTests {

    @LocalServerPort
    int port;

    static final String API_KEY = "KEY-data-only-0123456789";

    static final SendCloudStandIn sendCloud = SendCloudStandIn.start();

    @DynamicPropertySource
    static void sendCloudUrl(DynamicPropertyRegistry registry) {
        registry.add("sendcloud.base-url", sendCloud::baseUrl);
    }

    @AfterAll
    static void stopStandIn() {
        sendCloud.close();
    }

    @Value("${spring.kafka.bootstrap-servers}")
    String bootstrapServers;

    static final List<String> HOSTILE_NAMES = List.of(
            "Ada\r\nBcc: victim@example.com",
            "Ada\nSubject: free money\n\n<h1>hi</h1>",
            "Ada\rX-Mailer: evil",
            "%url%",
            "%name% %url% %to%",
            "Click <a href=\"https://evil.example\">%url%</a>",
            "Ada&apiKey=stolen&to=evil@example.com&xsmtpapi={}",
            "\"]},\"to\":[\"evil@example.com\"],\"sub\":{\"%url%\":[\"https://evil.example\"]}}",
            "Ada\u0000Lovelace",
            "\u202Eecalevol ada",
            "Zoë 😀 محمد e\u0301",
            "'; DROP TABLE delivery; --",
            "<script>alert(1)</script>");

    /** No SENDCLOUD_NOTICE_TEMPLATE here: a notice is recorded as skipped, never sent, never retried. */
    @Test
    void withoutANoticeTemplateASignupAttemptIsRecordedAsSkippedAndNothingIsSent(CapturedOutput output) {
        SignupAttempted attempt = new SignupAttempted(java.util.UUID.randomUUID(), java.time.Instant.now(),
                Events.newUserId(), "skipped-notice@example.com", "Skip Me");
        TestHttp http = TestHttp.localhost(port);
        try (Events events = new Events(bootstrapServers)) {
            events.publish(attempt);
            events.publish(attempt);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> JsonMapper.builder().build()
                .readTree(http.asOperator().get("/api/deliveries?email=skipped-notice@example.com").body()).size() == 1);

        JsonNode delivery = JsonMapper.builder().build()
                .readTree(http.asOperator().get("/api/deliveries?email=skipped-notice@example.com").body()).get(0);
        assertThat(delivery.get("status").asString()).isEqualTo("FAILED");
        assertThat(delivery.get("failureReason").asString()).isEqualTo("SKIPPED");
        assertThat(delivery.get("lastError").asString()).contains("SENDCLOUD_NOTICE_TEMPLATE is not set");
        assertThat(delivery.get("nextAttemptAt").isNull()).as("not retried").isTrue();
        assertThat(sendCloud.calls("skipped-notice@example.com")).isEmpty();
        assertThat(output.getAll()).containsOnlyOnce("Sign-up attempt notices are not sent: SENDCLOUD_NOTICE_TEMPLATE");
    }

    @Test
    void hostileNamesReachSendCloudOnlyAsTheValueOfName() {
        List<UserRegistered> published = new java.util.ArrayList<>();
        try (Events events = new Events(bootstrapServers)) {
            for (int i = 0; i < HOSTILE_NAMES.size(); i++) {
                UserRegistered event = Events.registered(Events.newUserId(), HOSTILE_NAMES.get(i),
                        "data-" + i + "@example.com", "tok-data-" + i, "auth-data-" + i);
                events.publish(event);
                published.add(event);
            }
        }
        await().atMost(Duration.ofSeconds(60))
                .until(() -> published.stream().allMatch(e -> sendCloud.calls(e.email()).size() == 1));

        for (UserRegistered event : published) {
            Call call = sendCloud.calls(event.email()).get(0);
            Map<String, String> form = call.form();
            assertThat(form.keySet()).as(event.name()).containsExactlyInAnyOrder("apiUser", "apiKey", "from",
                    "fromName", "templateInvokeName", "subject", "respEmailId", "xsmtpapi");
            assertThat(form).containsEntry("apiUser", "verimail-test").containsEntry("apiKey", API_KEY)
                    .containsEntry("from", "no-reply@verimail.dev").containsEntry("fromName", "Verimail")
                    .containsEntry("subject", "Please verify your email")
                    .containsEntry("templateInvokeName", "verimail_verify");
            assertThat(call.xsmtpapi().path("to")).hasSize(1);
            assertThat(call.to()).isEqualTo(event.email());
            assertThat(call.xsmtpapi().path("sub").propertyNames()).containsExactlyInAnyOrder("%name%", "%url%",
                    "%code%");
            assertThat(call.xsmtpapi().path("sub").path("%code%").get(0).asString()).as("no code in the event").isEmpty();
            assertThat(call.xsmtpapi().path("sub").path("%name%")).hasSize(1);
            assertThat(call.name()).as("the name, exactly").isEqualTo(event.name());
            assertThat(call.url()).isEqualTo("https://verimail.example/verify?token=" + event.token() + "&authcode="
                    + event.authcode());
        }
    }
}
