package dev.verimail.mailer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.verimail.events.registration.SignupAttempted;
import dev.verimail.events.registration.UserRegistered;
import dev.verimail.events.registration.VerificationReissued;
import dev.verimail.testbed.ServiceTest;
import dev.verimail.testbed.TestHttp;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Without SendCloud credentials every email lands in the built-in inbox, where it can be read and clicked. */
@ServiceTest(properties = {
        "mailer.transport=inbox",
        "mailer.verification-url=http://localhost:8082/verify" })
@ExtendWith(OutputCaptureExtension.class)
class InboxTransportTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Value("${spring.kafka.bootstrap-servers}")
    String bootstrapServers;

    TestHttp http;
    Events events;

    @BeforeEach
    void setUp() {
        http = TestHttp.localhost(port);
        events = new Events(bootstrapServers);
    }

    @AfterEach
    void tearDown() {
        events.close();
    }

    @Test
    void withoutCredentialsTheEmailShowsUpInTheInboxEscaped(CapturedOutput output) {
        long user = Events.newUserId();
        String name = "<script>alert('x')</script> & \"Zoë\"";
        UserRegistered first = Events.registered(user, name, "Inbox.User@example.com", "tok-1", "auth-1");
        events.publish(first);
        await().atMost(Duration.ofSeconds(30)).until(() -> inbox("inbox.user@example.com").size() == 1);
        VerificationReissued second = Events.reissued(user, name, "Inbox.User@example.com", "tok-2", "a&b");
        events.publish(second);
        await().atMost(Duration.ofSeconds(30)).until(() -> inbox("inbox.user@example.com").size() == 2);

        JsonNode messages = inbox("INBOX.USER@example.com");
        JsonNode newest = messages.get(0);
        assertThat(newest.get("eventId").asString()).isEqualTo(second.eventId().toString());
        assertThat(newest.get("to").asString()).isEqualTo("Inbox.User@example.com");
        assertThat(newest.get("subject").asString()).isNotBlank();
        assertThat(newest.get("name").asString()).isEqualTo(name);
        assertThat(newest.get("link").asString()).isEqualTo("http://localhost:8082/verify?token=tok-2&authcode=a%26b");
        assertThat(newest.get("html").asString()).contains("&lt;script&gt;").doesNotContain("<script>")
                .contains("href=\"http://localhost:8082/verify?token=tok-2&amp;authcode=a%26b\"");
        assertThat(messages.get(1).get("eventId").asString()).isEqualTo(first.eventId().toString());

        HttpResponse<String> page = http.get("/inbox");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(page.body()).contains("name=\"viewport\"")
                .contains("href=\"http://localhost:8082/verify?token=tok-2&amp;authcode=a%26b\"")
                .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;Zoë&quot;")
                .doesNotContain("<script>");
        assertThat(page.body().indexOf("token=tok-2")).isLessThan(page.body().indexOf("token=tok-1"));

        JsonNode deliveries = JSON.readTree(http.asOperator().get("/api/deliveries?email=inbox.user@example.com").body());
        assertThat(deliveries).hasSize(2);
        assertThat(deliveries.get(0).get("status").asString()).isEqualTo("SENT");
        assertThat(deliveries.get(0).get("messageId").asString()).isEqualTo("inbox-" + second.eventId());

        assertThat(page.body()).contains("class=\"warning\"").contains("For development only.")
                .contains("every user's email with its\n    live verification link");
        assertThat(output.getAll()).containsPattern("WARN .*Mail transport: built-in inbox .*FOR DEVELOPMENT ONLY");
    }

    @Test
    void theInboxEmailShowsTheCodeBesideTheLinkAndOneWithoutACodeShowsNone() {
        long user = Events.newUserId();
        events.publishWithCode(Events.registered(user, "Cody", "inbox.code@example.com", "tok-c1", "auth-c1"), "004711");
        await().atMost(Duration.ofSeconds(30)).until(() -> inbox("inbox.code@example.com").size() == 1);
        assertThat(inbox("inbox.code@example.com").get(0).get("html").asString())
                .contains("Or enter this code on the confirmation page:").contains(">004711</p>")
                .contains("/verify/code?email=inbox.code%40example.com\"");

        events.publish(Events.registered(Events.newUserId(), "Nocode", "inbox.nocode@example.com", "tok-c2", "auth-c2"));
        await().atMost(Duration.ofSeconds(30)).until(() -> inbox("inbox.nocode@example.com").size() == 1);
        assertThat(inbox("inbox.nocode@example.com").get(0).get("html").asString()).contains("token=tok-c2")
                .doesNotContain("Or enter this code").doesNotContain("id=\"code\"").doesNotContain("/verify/code");
    }

    @Test
    void aSignupAttemptLeavesOneNoticeWithTheRegisteredNameAndNoLinkInTheInbox() {
        SignupAttempted attempt = Events.signupAttempted(Events.newUserId(), "Ada <b>Lovelace</b>", "owner@example.com");

        events.publish(attempt);
        events.publish(attempt);
        await().atMost(Duration.ofSeconds(30)).until(() -> inbox("owner@example.com").size() == 1);
        UserRegistered marker = Events.registered(attempt.userId(), "M", "owner-marker@example.com", "tok-m", "auth-m");
        events.publish(marker);
        await().atMost(Duration.ofSeconds(30)).until(() -> inbox("owner-marker@example.com").size() == 1);

        JsonNode messages = inbox("owner@example.com");
        assertThat(messages).as("one notice, whatever the redeliveries").hasSize(1);
        JsonNode notice = messages.get(0);
        assertThat(notice.get("eventId").asString()).isEqualTo(attempt.eventId().toString());
        assertThat(notice.get("subject").asString()).isEqualTo("Someone tried to sign up with your email address");
        assertThat(notice.get("name").asString()).isEqualTo("Ada <b>Lovelace</b>");
        assertThat(notice.get("link").isNull()).isTrue();
        assertThat(notice.get("html").asString()).contains("Hello <span>Ada &lt;b&gt;Lovelace&lt;/b&gt;</span>")
                .contains("someone just tried to sign up with your email address").doesNotContain("href=");
        JsonNode deliveries = JSON.readTree(http.asOperator().get("/api/deliveries?email=owner@example.com").body());
        assertThat(deliveries).hasSize(1);
        assertThat(deliveries.get(0).get("status").asString()).isEqualTo("SENT");
        assertThat(deliveries.get(0).get("eventType").asString()).isEqualTo("SignupAttempted");
        assertThat(http.get("/inbox?to=owner@example.com").body()).contains("No link: a notice.");
    }

    @Test
    void anAddressChangeLeavesTheLinkForTheNewAddressAndANoticeForTheOldOne() {
        long user = Events.newUserId();
        var change = Events.changeRequested(user, "Ada <b>Lovelace</b>", "ada.new@example.org", "ada.old@example.com",
                "tok-change-inbox", "auth-change");

        events.publish(change);
        await().atMost(Duration.ofSeconds(30)).until(() -> inbox("ada.new@example.org").size() == 1
                && inbox("ada.old@example.com").size() == 1);

        JsonNode link = inbox("ada.new@example.org").get(0);
        assertThat(link.get("link").asString())
                .isEqualTo("http://localhost:8082/verify?token=tok-change-inbox&authcode=auth-change");
        JsonNode notice = inbox("ada.old@example.com").get(0);
        assertThat(notice.get("subject").asString()).isEqualTo("Your email address is being changed");
        assertThat(notice.get("link").isNull()).isTrue();
        assertThat(notice.get("html").asString()).contains("Hello Ada &lt;b&gt;Lovelace&lt;/b&gt;,")
                .contains("is being changed to a***@example.org").contains("If this was not you, contact us")
                .doesNotContain("ada.new").doesNotContain("href=").contains("lang=\"en\"");
    }

    @Test
    void deliveriesWithoutAnEmailParameterIsA400Problem() {
        HttpResponse<String> response = http.asOperator().get("/api/deliveries");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(JSON.readTree(response.body()).get("code").asString()).isEqualTo("bad-request");
    }

    @Test
    void anEmptyInboxSaysSo() {
        HttpResponse<String> response = http.get("/api/inbox?to=" + TestHttp.enc("nobody-" + Instant.now().toEpochMilli() + "@example.com"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body())).isEmpty();
    }

    @Test
    void aChineseEventsEmailAndNoticeAreChineseInTheInbox() {
        long user = Events.newUserId();
        UserRegistered event = Events.registered(user, "韩梅梅", "meimei@example.com", "tok-zh", "auth-zh")
                .withLocale("zh-CN");
        SignupAttempted attempt = new SignupAttempted(java.util.UUID.randomUUID(), Instant.now(), Events.newUserId(),
                "meimei-owner@example.com", "韩梅梅", "zh-CN");
        events.publish(event);
        events.publish(attempt);
        await().atMost(Duration.ofSeconds(30)).until(() -> inbox("meimei@example.com").size() == 1
                && inbox("meimei-owner@example.com").size() == 1);

        JsonNode email = inbox("meimei@example.com").get(0);
        assertThat(email.get("subject").asString()).isEqualTo("请验证您的邮箱");
        assertThat(email.get("html").asString()).contains("<html lang=\"zh-CN\"", "<span>韩梅梅</span>，您好：",
                "请打开下面的链接，确认您的邮箱", "href=\"http://localhost:8082/verify?token=tok-zh&amp;authcode=auth-zh\"")
                .doesNotContain("Hello", "please confirm");
        JsonNode notice = inbox("meimei-owner@example.com").get(0);
        assertThat(notice.get("subject").asString()).isEqualTo("有人尝试用您的邮箱注册");
        assertThat(notice.get("html").asString()).contains("<html lang=\"zh-CN\"", "刚才有人尝试用您的邮箱注册")
                .doesNotContain("href=");

        UserRegistered english = Events.registered(Events.newUserId(), "Ann", "ann-en@example.com", "tok-en", "auth-en");
        events.publish(english);
        await().atMost(Duration.ofSeconds(30)).until(() -> inbox("ann-en@example.com").size() == 1);
        assertThat(inbox("ann-en@example.com").get(0).get("html").asString()).contains("<html lang=\"en\"",
                "Hello <span>Ann</span>,", "please confirm your email address");
    }

    private JsonNode inbox(String to) {
        HttpResponse<String> response = http.get("/api/inbox?to=" + TestHttp.enc(to));
        assertThat(response.statusCode()).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}
