package dev.verimail.mailer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;

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
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.verimail.events.registration.RegistrationEvent;
import dev.verimail.events.registration.SignupAttempted;
import dev.verimail.events.registration.UserRegistered;
import dev.verimail.testbed.ServiceTest;
import dev.verimail.testbed.SmtpStandIn;
import dev.verimail.testbed.SmtpStandIn.Received;
import dev.verimail.testbed.TestHttp;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * MAILER_TRANSPORT=smtp against a real SMTP server (the test bed's stand-in, with a login and without STARTTLS),
 * the real database and a real broker. Quick retries and re-drive run on a short schedule; each test uses
 * addresses of its own.
 */
@ServiceTest(properties = {
        "mailer.transport=smtp",
        "spring.mail.host=127.0.0.1",
        "spring.mail.username=verimail",
        "spring.mail.password=" + SmtpDeliveryTests.PASSWORD,
        "spring.mail.properties.mail.smtp.starttls.enable=false",
        "spring.mail.properties.mail.smtp.starttls.required=false",
        "spring.mail.properties.mail.smtp.connectiontimeout=1000",
        "spring.mail.properties.mail.smtp.timeout=2000",
        "spring.mail.properties.mail.smtp.writetimeout=2000",
        "mailer.smtp.from=no-reply@verimail.dev",
        "mailer.smtp.from-name=Verimail",
        "mailer.verification-url=https://verimail.example/verify",
        "mailer.retry.max-attempts=3",
        "mailer.retry.initial-interval=PT0.05S",
        "mailer.retry.max-interval=PT0.2S",
        "mailer.redrive.interval=PT0.2S",
        "mailer.redrive.initial-delay=PT0.3S",
        "mailer.redrive.max-delay=PT0.6S",
        "mailer.redrive.lease=PT30S",
        "mailer.send.concurrency=8" })
@ExtendWith(OutputCaptureExtension.class)
class SmtpDeliveryTests {

    static final String PASSWORD = "smtp-pw-9c1e77d0";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration WAIT = Duration.ofSeconds(30);

    static final SmtpStandIn smtp = SmtpStandIn.listen().credentials("verimail", PASSWORD);

    @DynamicPropertySource
    static void smtpPort(DynamicPropertyRegistry registry) {
        registry.add("spring.mail.port", smtp::port);
    }

    @AfterAll
    static void stopServer() {
        smtp.close();
    }

    @LocalServerPort
    int port;

    @Autowired
    org.springframework.core.env.Environment environment;

    @Value("${spring.kafka.bootstrap-servers}")
    String bootstrapServers;

    TestHttp http;
    DeliveryRecords records;
    Events events;

    @BeforeEach
    void setUp() {
        smtp.start();
        http = TestHttp.localhost(port);
        records = new DeliveryRecords(http);
        events = new Events(bootstrapServers);
    }

    @AfterEach
    void tearDown() {
        events.close();
    }

    @Test
    void aRegistrationIsSentAsOneHtmlAndTextEmailWithOurHeadersAndItsMessageIdIsRecorded(CapturedOutput output)
            throws Exception {
        UserRegistered event = Events.registered(Events.newUserId(), "Ada <Lovelace> & Zoë", "ada@example.com",
                "tok-ada", "SECRET-AUTH-ada&1");
        String link = "https://verimail.example/verify?token=tok-ada&authcode=SECRET-AUTH-ada%261";

        events.publish(event);
        JsonNode delivery = records.awaitStatus(event, "SENT");

        List<Received> received = smtp.received("ada@example.com");
        assertThat(received).hasSize(1);
        Received email = received.get(0);
        assertThat(email.from()).isEqualTo("no-reply@verimail.dev");
        assertThat(email.to()).containsExactly("ada@example.com");
        MimeMessage message = email.message();
        assertThat(message.getSubject()).isEqualTo("Please verify your email address");
        assertThat(message.getHeader("From", null)).isEqualTo("Verimail <no-reply@verimail.dev>");
        assertThat(message.getHeader("X-Verimail-Delivery", null)).isEqualTo(event.eventId().toString());
        assertThat(message.getHeader("X-Verimail-Kind", null)).isEqualTo("verification");
        assertThat(message.getMessageID()).isEqualTo("<" + event.eventId() + "@verimail.dev>");
        assertThat(message.isMimeType("multipart/alternative")).isTrue();
        Multipart parts = (Multipart) message.getContent();
        assertThat(parts.getCount()).isEqualTo(2);
        assertThat(parts.getBodyPart(0).isMimeType("text/plain")).isTrue();
        assertThat((String) parts.getBodyPart(0).getContent()).contains("Hello Ada <Lovelace> & Zoë,").contains(link);
        assertThat(parts.getBodyPart(1).isMimeType("text/html")).isTrue();
        assertThat((String) parts.getBodyPart(1).getContent()).contains("Hello <span>Ada &lt;Lovelace&gt; &amp; Zoë</span>")
                .contains("href=\"" + link.replace("&", "&amp;") + "\"");

        assertThat(delivery.get("messageId").asString()).isEqualTo(message.getMessageID());
        assertThat(delivery.get("attempts").asInt()).isOne();
        assertThat(delivery.toString()).doesNotContain("SECRET-AUTH");
        assertThat(TestHttp.management(environment).get("/actuator/prometheus").body())
                .containsPattern("mailer_emails_sent_total\\{[^}]*transport=\"smtp\"");
        assertThat(TestHttp.management(environment).get("/actuator/health").statusCode()).isEqualTo(200);
        assertThat(output.getAll()).contains("Mail transport: SMTP server 127.0.0.1:" + smtp.port()
                + " (no STARTTLS, as user verimail), from no-reply@verimail.dev")
                .contains("STARTTLS is not required").doesNotContain(PASSWORD).doesNotContain("SECRET-AUTH");
    }

    @Test
    void theCodeIsShownBesideTheLinkInTheTextAndTheHtml() throws Exception {
        UserRegistered event = Events.registered(Events.newUserId(), "Cody", "cody@example.com", "tok-cody",
                "SECRET-AUTH-cody");
        events.publishWithCode(event, "730051");
        records.awaitStatus(event, "SENT");

        Multipart parts = (Multipart) smtp.received("cody@example.com").get(0).message().getContent();
        assertThat((String) parts.getBodyPart(0).getContent()).contains("token=tok-cody")
                .contains("Or enter this code on the confirmation page:").contains("    730051")
                // where to type it: the link's page + /code, the address filled in, no secret in it
                .containsPattern("Enter it here: \\S+/verify/code\\?email=cody%40example\\.com\\s");
        assertThat((String) parts.getBodyPart(1).getContent()).contains("id=\"code\"").contains(">730051</p>")
                .contains("Or enter this code").contains("/verify/code?email=cody%40example.com\"");
    }

    @Test
    void aSignupAttemptSendsOneNoticeWithoutALink() throws Exception {
        SignupAttempted attempt = Events.signupAttempted(Events.newUserId(), "Grace Hopper", "grace@example.com");

        events.publish(attempt);
        events.publish(attempt);
        await().atMost(WAIT).until(() -> records.of("grace@example.com").stream()
                .anyMatch(d -> "SENT".equals(d.get("status").asString())));
        UserRegistered marker = Events.registered(attempt.userId(), "Grace Hopper", "grace-marker@example.com",
                "tok-g", "SECRET-AUTH-g");
        events.publish(marker);
        records.awaitStatus(marker, "SENT");

        assertThat(smtp.received("grace@example.com")).as("one notice, whatever the redeliveries").singleElement()
                .satisfies(r -> {
                    MimeMessage message = r.message();
                    assertThat(message.getSubject()).isEqualTo("Someone tried to sign up with your email address");
                    assertThat(message.getHeader("X-Verimail-Kind", null)).isEqualTo("signup-attempted");
                    Multipart parts = (Multipart) message.getContent();
                    assertThat((String) parts.getBodyPart(0).getContent()).contains("Hello Grace Hopper,")
                            .doesNotContain("http");
                    assertThat((String) parts.getBodyPart(1).getContent()).doesNotContain("href=");
                });
    }

    @Test
    void a451TwiceThenSuccessIsSentOnceAfterThreeAttempts() {
        String email = "flaky@example.com";
        UserRegistered event = Events.registered(Events.newUserId(), email, Instant.now().plus(Duration.ofHours(1)));
        int refusedBefore = smtp.refusedData();
        smtp.failNextData(2, 451, "4.3.0 Try again later");

        events.publish(event);
        JsonNode delivery = records.awaitStatus(event, "SENT");

        assertThat(smtp.refusedData() - refusedBefore).isEqualTo(2);
        assertThat(smtp.received(email)).hasSize(1);
        assertThat(delivery.get("attempts").asInt()).isEqualTo(3);
        assertThat(delivery.get("lastError").asString()).isEqualTo("SMTP 451: 4.3.0 Try again later");
        assertThat(delivery.get("messageId").asString()).isEqualTo(smtp.received(email).get(0).header("Message-ID"));
    }

    @Test
    void a550ForTheRecipientFailsTheDeliveryForGoodWithTheCode(CapturedOutput output) {
        String email = "no-such-user@example.com";
        smtp.reject(email, 550, "5.1.1 <" + email + ">: Recipient address rejected: User unknown");
        UserRegistered event = Events.registered(Events.newUserId(), "Nobody", email, "tok-550", "SECRET-AUTH-550");

        events.publish(event);
        JsonNode delivery = records.awaitStatus(event, "FAILED");

        assertThat(delivery.get("failureReason").asString()).isEqualTo("PERMANENT");
        assertThat(delivery.get("sendCloudCode").asInt()).isEqualTo(550);
        assertThat(delivery.get("attempts").asInt()).isOne();
        assertThat(delivery.get("lastError").asString())
                .isEqualTo("SMTP 550: 5.1.1 <" + email + ">: Recipient address rejected: User unknown");
        int connections = smtp.connections();
        await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(5)).until(() -> smtp.connections() == connections);
        assertThat(smtp.received(email)).isEmpty();
        assertThat(TestHttp.management(environment).get("/actuator/prometheus").body())
                .containsPattern("mailer_emails_failed_total\\{[^}]*code=\"550\"");
        assertThat(output.getAll()).contains("Delivery " + event.eventId() + " failed for good")
                .doesNotContain("SECRET-AUTH").doesNotContain(PASSWORD);
    }

    @Test
    void whileTheServerIsDownTheDeliveryIsRetryingAndOnceItIsBackTheEmailGoesOutExactlyOnce() {
        String email = "outage@example.com";
        UserRegistered event = Events.registered(Events.newUserId(), email, Instant.now().plus(Duration.ofHours(1)));
        smtp.stop();
        try {
            events.publish(event);
            JsonNode retrying = records.awaitStatus(event, "RETRYING");
            assertThat(retrying.get("attempts").asInt()).isGreaterThanOrEqualTo(3);
            assertThat(retrying.get("nextAttemptAt").isNull()).isFalse();
            assertThat(retrying.get("lastError").asString())
                    .isEqualTo("Cannot connect to the SMTP server 127.0.0.1:" + smtp.port() + ": ConnectException");
            await().atMost(WAIT).until(() -> records.of(event).get("attempts").asInt() >= 5);
        }
        finally {
            smtp.start();
        }
        JsonNode sent = records.awaitStatus(event, "SENT");

        assertThat(sent.get("attempts").asInt()).isGreaterThanOrEqualTo(5);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> smtp.received(email).size() == 1);
        assertThat(sent.get("messageId").asString()).isEqualTo(smtp.received(email).get(0).header("Message-ID"));
        assertThat(TestHttp.management(environment).get("/actuator/prometheus").body())
                .containsPattern("mailer_emails_retried_total\\{[^}]*stage=\"scheduled\"");
    }

    @Test
    void withSmtpTheInboxDoesNotExist() {
        assertThat(http.get("/inbox").statusCode()).isEqualTo(404);
        assertThat(http.get("/api/inbox?to=a@example.com").statusCode()).isEqualTo(404);
    }

    @Test
    void aChineseEventIsSentAsAChineseEmailInBothParts() throws Exception {
        UserRegistered event = Events.registered(Events.newUserId(), "韩梅梅", "meimei@example.com", "tok-zh",
                "SECRET-AUTH-zh").withLocale("zh-CN");
        SignupAttempted attempt = new SignupAttempted(java.util.UUID.randomUUID(), java.time.Instant.now(),
                Events.newUserId(), "meimei-owner@example.com", "韩梅梅", "zh-CN");

        events.publish(event);
        events.publish(attempt);
        records.awaitStatus(event, "SENT");
        await().atMost(WAIT).until(() -> !smtp.received("meimei-owner@example.com").isEmpty());

        MimeMessage message = smtp.received("meimei@example.com").get(0).message();
        assertThat(message.getSubject()).isEqualTo("请验证您的邮箱");
        Multipart parts = (Multipart) message.getContent();
        assertThat((String) parts.getBodyPart(0).getContent()).contains("韩梅梅，您好：", "请打开下面的链接，确认您的邮箱：",
                "https://verimail.example/verify?token=tok-zh&authcode=SECRET-AUTH-zh", "如果您没有注册过，请忽略这封邮件。")
                .doesNotContain("Hello");
        assertThat((String) parts.getBodyPart(1).getContent()).contains("<html lang=\"zh-CN\"",
                "<span>韩梅梅</span>，您好：", "请打开下面的链接");

        MimeMessage notice = smtp.received("meimei-owner@example.com").get(0).message();
        assertThat(notice.getSubject()).isEqualTo("有人尝试用您的邮箱注册");
        assertThat((String) ((Multipart) notice.getContent()).getBodyPart(0).getContent())
                .contains("韩梅梅，您好：", "刚才有人尝试用您的邮箱注册");
    }
}
