package dev.verimail.mailer.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;
import java.util.UUID;

import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.mail.autoconfigure.MailProperties;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;
import org.springframework.mail.javamail.JavaMailSenderImpl;
import org.thymeleaf.spring6.SpringTemplateEngine;
import org.thymeleaf.templatemode.TemplateMode;
import org.thymeleaf.templateresolver.ClassLoaderTemplateResolver;

import dev.verimail.mailer.config.SmtpProperties;
import dev.verimail.mailer.delivery.Mail;
import dev.verimail.mailer.delivery.SendResult;
import dev.verimail.mailer.delivery.SendResult.Outcome;
import dev.verimail.testbed.SmtpStandIn;
import dev.verimail.testbed.SmtpStandIn.Received;

/** The transport alone against a real SMTP server (the test bed's stand-in): the email, and every outcome. */
class SmtpTransportTests {

    private static final String PASSWORD = "smtp-secret-pw";
    static final SmtpStandIn smtp = SmtpStandIn.listen().credentials("verimail", PASSWORD);

    @AfterAll
    static void stopServer() {
        smtp.close();
    }

    @BeforeEach
    void reset() {
        smtp.reset();
        smtp.start();
        smtp.credentials("verimail", PASSWORD);
    }

    static SmtpTransport transport(int port, Map<String, String> javaMail) {
        MailProperties mail = new MailProperties();
        mail.setHost("127.0.0.1");
        mail.setPort(port);
        mail.setUsername("verimail");
        mail.setPassword(PASSWORD);
        mail.getProperties().put("mail.smtp.starttls.enable", "false");
        mail.getProperties().put("mail.smtp.starttls.required", "false");
        mail.getProperties().put("mail.smtp.connectiontimeout", "2000");
        mail.getProperties().put("mail.smtp.timeout", "2000");
        mail.getProperties().put("mail.smtp.writetimeout", "2000");
        mail.getProperties().putAll(javaMail);
        JavaMailSenderImpl sender = new JavaMailSenderImpl();
        sender.setHost(mail.getHost());
        sender.setPort(mail.getPort());
        sender.setUsername(mail.getUsername());
        sender.setPassword(mail.getPassword());
        sender.setDefaultEncoding("UTF-8");
        java.util.Properties properties = new java.util.Properties();
        properties.putAll(mail.getProperties());
        sender.setJavaMailProperties(properties);
        ClassLoaderTemplateResolver html = new ClassLoaderTemplateResolver();
        html.setPrefix("templates/");
        html.setSuffix(".html");
        html.setTemplateMode(TemplateMode.HTML);
        html.setCharacterEncoding("UTF-8");
        org.springframework.context.support.ResourceBundleMessageSource messages =
                new org.springframework.context.support.ResourceBundleMessageSource();
        messages.setBasename("messages");
        messages.setDefaultEncoding("UTF-8");
        messages.setFallbackToSystemLocale(false);
        SpringTemplateEngine engine = new SpringTemplateEngine();
        engine.setTemplateResolver(html);
        // the texts of the templates, as Boot's engine has them (MessageSourceAutoConfiguration)
        engine.setTemplateEngineMessageSource(messages);
        return new SmtpTransport(sender, mail, new SmtpProperties("no-reply@verimail.dev", "Verimail Ω", null, null),
                engine, messages);
    }

    private static SmtpTransport transport() {
        return transport(smtp.port(), Map.of());
    }

    private static Mail verification(String to, String name) {
        return Mail.verification(UUID.randomUUID(), to, name,
                "https://verimail.example/verify?token=tok-" + UUID.randomUUID() + "&authcode=SECRET-AUTH-a%26b");
    }

    @Test
    void sendsTheVerificationEmailAsHtmlAndTextFromTheSameDataWithOurHeaders() throws Exception {
        Mail mail = verification("ada@example.com", "Ada <b>Lovelace</b> & Zoë");

        SendResult result = transport().send(mail);

        assertThat(result.outcome()).isEqualTo(Outcome.SENT);
        assertThat(result.messageId()).isEqualTo("<" + mail.eventId() + "@verimail.dev>");
        Received received = smtp.received("ada@example.com").get(0);
        assertThat(received.from()).isEqualTo("no-reply@verimail.dev");
        MimeMessage message = received.message();
        assertThat(message.getMessageID()).isEqualTo(result.messageId());
        assertThat(message.getHeader("X-Verimail-Delivery", null)).isEqualTo(mail.eventId().toString());
        assertThat(message.getHeader("X-Verimail-Kind", null)).isEqualTo("verification");
        assertThat(message.getSubject()).isEqualTo("Please verify your email address");
        assertThat(((InternetAddress) message.getFrom()[0]).getPersonal()).isEqualTo("Verimail Ω");
        assertThat(message.getContentType()).startsWith("multipart/alternative");
        Multipart parts = (Multipart) message.getContent();
        assertThat(parts.getCount()).isEqualTo(2);
        Part text = parts.getBodyPart(0);
        Part html = parts.getBodyPart(1);
        assertThat(text.isMimeType("text/plain")).isTrue();
        assertThat(html.isMimeType("text/html")).isTrue();
        assertThat((String) text.getContent()).contains("Hello Ada <b>Lovelace</b> & Zoë,").contains(mail.link())
                .doesNotContain("&amp;").doesNotContain("<p>");
        assertThat((String) html.getContent()).contains("Hello <span>Ada &lt;b&gt;Lovelace&lt;/b&gt; &amp; Zoë</span>")
                .contains("href=\"" + mail.link().replace("&", "&amp;") + "\"");
        assertThat(received.raw()).as("7-bit on the wire").matches("\\p{ASCII}*");
    }

    @Test
    void theAddressChangeNoticeNamesTheNewAddressMaskedAndHasNoLink() throws Exception {
        Mail notice = Mail.emailChangeNotice(UUID.randomUUID(), "old@example.com", "Grace",
                Mail.masked("new.address@example.org"));

        assertThat(transport().send(notice).outcome()).isEqualTo(Outcome.SENT);

        MimeMessage message = smtp.received("old@example.com").get(0).message();
        assertThat(message.getSubject()).isEqualTo("Your email address is being changed");
        assertThat(message.getHeader("X-Verimail-Kind", null)).isEqualTo("email-change");
        Multipart parts = (Multipart) message.getContent();
        assertThat((String) parts.getBodyPart(0).getContent()).contains("Hello Grace,")
                .contains("is being changed to n***@example.org").contains("If this was not you, contact us")
                .doesNotContain("new.address").doesNotContain("http");
        assertThat((String) parts.getBodyPart(1).getContent()).contains("n***@example.org")
                .doesNotContain("href=").doesNotContain("??");
    }

    @Test
    void theNoticeHasItsOwnSubjectAndNoLink() throws Exception {
        Mail notice = Mail.signupAttempted(UUID.randomUUID(), "owner@example.com", "Grace");

        assertThat(transport().send(notice).outcome()).isEqualTo(Outcome.SENT);

        MimeMessage message = smtp.received("owner@example.com").get(0).message();
        assertThat(message.getSubject()).isEqualTo("Someone tried to sign up with your email address");
        assertThat(message.getHeader("X-Verimail-Kind", null)).isEqualTo("signup-attempted");
        Multipart parts = (Multipart) message.getContent();
        assertThat((String) parts.getBodyPart(0).getContent()).contains("Hello Grace,")
                .contains("someone just tried to sign up with your email address").doesNotContain("http");
        assertThat((String) parts.getBodyPart(1).getContent()).doesNotContain("href=");
    }

    @Test
    void a451AfterDataIsTransientAndNothingIsKeptThenTheSameMessageIdGoesOut() {
        Mail mail = verification("flaky@example.com", "Flaky");
        smtp.failNextData(1, 451, "4.3.0 Try again later");

        SendResult first = transport().send(mail);
        SendResult second = transport().send(mail);

        assertThat(first).isEqualTo(SendResult.transientFailure(451, "SMTP 451: 4.3.0 Try again later"));
        assertThat(smtp.refusedData()).isOne();
        assertThat(second.outcome()).isEqualTo(Outcome.SENT);
        assertThat(smtp.received("flaky@example.com")).singleElement()
                .satisfies(r -> assertThat(r.header("Message-ID")).isEqualTo(second.messageId()));
    }

    @Test
    void a550ForTheRecipientIsPermanentWithTheCodeAndAnEchoedLinkIsMasked() {
        Mail mail = verification("nobody@example.com", "Nobody");
        smtp.reject("nobody@example.com", 550, "5.1.1 no such user, not even for " + mail.link());

        SendResult result = transport().send(mail);

        assertThat(result.outcome()).isEqualTo(Outcome.PERMANENT);
        assertThat(result.code()).isEqualTo(550);
        assertThat(result.error()).startsWith("SMTP 550: 5.1.1 no such user").doesNotContain("SECRET-AUTH")
                .doesNotContain(mail.link());
        assertThat(smtp.received("nobody@example.com")).isEmpty();
    }

    @Test
    void a452ForTheRecipientIsTransient() {
        smtp.failNextRcpt(1, to -> true, 452, "4.2.2 Mailbox full");

        SendResult result = transport().send(verification("full@example.com", "Full"));

        assertThat(result).isEqualTo(SendResult.transientFailure(452, "SMTP 452: 4.2.2 Mailbox full"));
    }

    @Test
    void aServerThatIsDownIsTransientAndOnceItIsBackTheEmailGoesOut() {
        Mail mail = verification("down@example.com", "Down");
        smtp.stop();

        SendResult down = transport().send(mail);
        smtp.start();
        SendResult up = transport().send(mail);

        assertThat(down).isEqualTo(SendResult.transientFailure(null,
                "Cannot connect to the SMTP server 127.0.0.1:" + smtp.port() + ": ConnectException"));
        assertThat(up.outcome()).isEqualTo(Outcome.SENT);
        assertThat(smtp.received("down@example.com")).hasSize(1);
    }

    @Test
    void aServerThatNeverAnswersIsATransientTimeout() throws IOException {
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread accept = new Thread(() -> {
                try (Socket s = silent.accept()) {
                    s.getInputStream().read();
                }
                catch (IOException e) {
                    // the client gave up
                }
            });
            accept.setDaemon(true);
            accept.start();

            SendResult result = transport(silent.getLocalPort(), Map.of("mail.smtp.timeout", "300")).send(
                    verification("silent@example.com", "Silent"));

            assertThat(result.outcome()).isEqualTo(Outcome.TRANSIENT);
            assertThat(result.code()).isNull();
        }
    }

    @Test
    void withStartTlsRequiredAServerWithoutItGetsNothing() {
        SendResult result = transport(smtp.port(), Map.of("mail.smtp.starttls.enable", "true",
                "mail.smtp.starttls.required", "true")).send(verification("tls@example.com", "TLS"));

        assertThat(result.outcome()).isEqualTo(Outcome.TRANSIENT);
        assertThat(result.error()).contains("STARTTLS is required");
        assertThat(smtp.received("tls@example.com")).isEmpty();
    }

    @Test
    void aRefusedLoginIsPermanentWithoutThePassword() {
        smtp.credentials("verimail", "another-password");

        SendResult result = transport().send(verification("login@example.com", "Login"));

        assertThat(result.outcome()).isEqualTo(Outcome.PERMANENT);
        assertThat(result.code()).isEqualTo(535);
        assertThat(result.error()).contains("SMTP login refused").doesNotContain(PASSWORD);
    }

    @Test
    void anAddressJakartaMailCannotUseIsPermanent() {
        SendResult result = transport().send(verification("not an address", "X"));

        assertThat(result.outcome()).isEqualTo(Outcome.PERMANENT);
        assertThat(result.error()).startsWith("SMTP: the recipient address cannot be used").doesNotContain("SECRET-AUTH");
    }

    @Test
    void describeNamesServerAndSenderButNoPassword() {
        assertThat(transport().describe()).isEqualTo("SMTP server 127.0.0.1:" + smtp.port()
                + " (no STARTTLS, as user verimail), from no-reply@verimail.dev").doesNotContain(PASSWORD);
    }

    @Test
    void applicationYmlRequiresStartTlsUnlessTheEnvironmentSwitchesItOff() throws IOException {
        StandardEnvironment env = new StandardEnvironment();
        new YamlPropertySourceLoader().load("application.yml", new ClassPathResource("application.yml"))
                .forEach(env.getPropertySources()::addLast);

        assertThat(env.getProperty("spring.mail.properties.mail.smtp.starttls.enable")).isEqualTo("true");
        assertThat(env.getProperty("spring.mail.properties.mail.smtp.starttls.required")).isEqualTo("true");
        assertThat(env.getProperty("spring.mail.properties.mail.smtp.connectiontimeout")).isEqualTo("5000");
        assertThat(env.getProperty("spring.mail.properties.mail.smtp.timeout")).isEqualTo("10000");
        assertThat(env.getProperty("spring.mail.properties.mail.smtp.writetimeout")).isEqualTo("10000");
        assertThat(env.getProperty("management.health.mail.enabled")).isEqualTo("false");
        assertThat(env.getProperty("mailer.smtp.subject")).isEqualTo("Please verify your email address");
        env.getPropertySources().addFirst(new MapPropertySource("env", Map.of(
                "SPRING_MAIL_PROPERTIES_MAIL_SMTP_STARTTLS_REQUIRED", "false")));
        assertThat(env.getProperty("spring.mail.properties.mail.smtp.starttls.required")).isEqualTo("false");
    }
}
