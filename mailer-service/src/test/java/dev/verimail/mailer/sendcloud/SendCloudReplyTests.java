package dev.verimail.mailer.sendcloud;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import dev.verimail.mailer.config.SendCloudProperties;
import dev.verimail.mailer.delivery.Mail;
import dev.verimail.mailer.delivery.SendResult;

/** The client against a tiny local HTTP server: a reply past the cap is a transient failure, read no further. */
class SendCloudReplyTests {

    private static final String OK = "{\"result\":true,\"statusCode\":200,\"message\":\"ok\",\"info\":{\"emailIdList\":[\"id-1\"]}}";

    private HttpServer server;
    private final AtomicReference<byte[]> reply = new AtomicReference<>();
    private final AtomicReference<Boolean> chunked = new AtomicReference<>(false);
    private final AtomicReference<String> form = new AtomicReference<>();
    private SendCloudTransport transport;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.createContext("/apiv2/mail/sendtemplate", exchange -> {
            form.set(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] body = reply.get();
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, chunked.get() ? 0 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                for (int i = 0; i < body.length; i += 8192) {
                    out.write(body, i, Math.min(8192, body.length - i));
                }
            }
            catch (IOException clientWentAway) {
                // expected once the client stops reading
            }
        });
        server.start();
        transport = new SendCloudTransport(new SendCloudProperties("user", "KEY-secret",
                URI.create("http://127.0.0.1:" + server.getAddress().getPort()), true, "verify", "notice",
                "no-reply@example.com", null, "Verify!", Duration.ofSeconds(2), Duration.ofSeconds(5), "cn", null));
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void aReplyLargerThanTheCapIsATransientFailureWithAClearMessage() {
        for (boolean chunks : new boolean[] { false, true }) {
            byte[] huge = new byte[20 * 1024 * 1024];
            Arrays.fill(huge, (byte) 'x');
            reply.set(huge);
            chunked.set(chunks);

            SendResult result = transport.send(Mail.verification(UUID.randomUUID(), "a@example.com", "A",
                    "https://v.example/verify?token=t&authcode=SECRET"));

            assertThat(result.outcome()).isEqualTo(SendResult.Outcome.TRANSIENT);
            assertThat(result.error()).isEqualTo("SendCloud reply larger than " + SendCloudTransport.MAX_REPLY_BYTES
                    + " bytes").doesNotContain("SECRET").doesNotContain("KEY-secret");
        }
    }

    @Test
    void aReplyThatEchoesTheCodeIsRecordedWithoutIt() {
        reply.set("{\"result\":false,\"statusCode\":40812,\"message\":\"bad sub value 907153 in xsmtpapi\"}"
                .getBytes(StandardCharsets.UTF_8));

        SendResult result = transport.send(Mail.verification(UUID.randomUUID(), "a@example.com", "A",
                "https://v.example/verify?token=t&authcode=SECRET", "907153"));

        assertThat(result.outcome()).isEqualTo(SendResult.Outcome.PERMANENT);
        assertThat(result.error()).contains("bad sub value").doesNotContain("907153");
    }

    @Test
    void aReplyJustUnderTheCapIsRead() {
        String padded = OK.substring(0, OK.length() - 1) + ",\"pad\":\""
                + "p".repeat(SendCloudTransport.MAX_REPLY_BYTES - OK.length() - 10) + "\"}";
        assertThat(padded.length()).isLessThanOrEqualTo(SendCloudTransport.MAX_REPLY_BYTES);
        reply.set(padded.getBytes(StandardCharsets.UTF_8));

        SendResult result = transport.send(Mail.verification(UUID.randomUUID(), "a@example.com", "A",
                "https://v.example/verify?token=t&authcode=a"));

        assertThat(result.outcome()).isEqualTo(SendResult.Outcome.SENT);
        assertThat(result.messageId()).isEqualTo("id-1");
    }

    @Test
    void aNoticeUsesTheNoticeTemplateWithTheNameOnlyAndNoSubject() {
        reply.set(OK.getBytes(StandardCharsets.UTF_8));

        SendResult result = transport.send(Mail.signupAttempted(UUID.randomUUID(), "owner@example.com", "Ada"));

        assertThat(result.outcome()).isEqualTo(SendResult.Outcome.SENT);
        String sent = URLDecoder.decode(form.get(), StandardCharsets.UTF_8);
        assertThat(sent).contains("templateInvokeName=notice").contains("\"%name%\":[\"Ada\"]")
                .doesNotContain("%url%").doesNotContain("subject=");
    }

    @Test
    void withoutChineseTemplatesAChineseEmailUsesTheDefaultTemplateAndSubject() {
        reply.set(OK.getBytes(StandardCharsets.UTF_8));
        Mail chinese = Mail.verification(UUID.randomUUID(), "zh@example.com", "李雷",
                "https://verimail.example/verify?token=t&authcode=a").inLanguage("zh-CN");

        assertThat(transport.send(chinese).outcome()).isEqualTo(SendResult.Outcome.SENT);
        assertThat(URLDecoder.decode(form.get(), StandardCharsets.UTF_8)).contains("templateInvokeName=verify&")
                .contains("subject=Verify!&");

        SendCloudTransport withChinese = new SendCloudTransport(new SendCloudProperties("user", "KEY-secret",
                URI.create("http://127.0.0.1:" + server.getAddress().getPort()), true, "verify", "notice",
                "no-reply@example.com", null, "Verify!", Duration.ofSeconds(2), Duration.ofSeconds(5), "cn", null,
                "verify_zh", "notice_zh", "请验证您的邮箱"));
        assertThat(withChinese.send(chinese).outcome()).isEqualTo(SendResult.Outcome.SENT);
        assertThat(URLDecoder.decode(form.get(), StandardCharsets.UTF_8)).contains("templateInvokeName=verify_zh&")
                .contains("subject=请验证您的邮箱&");
        assertThat(withChinese.send(Mail.signupAttempted(UUID.randomUUID(), "zh@example.com", "李雷")
                .inLanguage("zh")).outcome()).isEqualTo(SendResult.Outcome.SENT);
        assertThat(URLDecoder.decode(form.get(), StandardCharsets.UTF_8)).contains("templateInvokeName=notice_zh&");
        assertThat(withChinese.send(Mail.verification(UUID.randomUUID(), "en@example.com", "Ann",
                "https://verimail.example/verify?token=t&authcode=a")).outcome()).isEqualTo(SendResult.Outcome.SENT);
        assertThat(URLDecoder.decode(form.get(), StandardCharsets.UTF_8)).contains("templateInvokeName=verify&")
                .contains("subject=Verify!&");
    }

    @Test
    void withoutAChangeNoticeTemplateChangeNoticesAreNotSentAndSayWhy() {
        assertThat(transport.sends(Mail.Kind.EMAIL_CHANGE_NOTICE)).isFalse();
        assertThat(transport.whyNot(Mail.Kind.EMAIL_CHANGE_NOTICE)).isEqualTo("SENDCLOUD_CHANGE_NOTICE_TEMPLATE is not set");
        assertThat(transport.sends(Mail.Kind.VERIFICATION)).isTrue();
        assertThat(Mail.masked("zoe.new@example.com")).isEqualTo("z***@example.com");
    }
}
