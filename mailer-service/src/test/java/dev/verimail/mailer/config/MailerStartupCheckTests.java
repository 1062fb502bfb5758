package dev.verimail.mailer.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Collections;

import org.junit.jupiter.api.Test;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.mock.env.MockEnvironment;

/** The transport is chosen only by MAILER_TRANSPORT, and a SendCloud set-up that cannot work refuses to start. */
class MailerStartupCheckTests {

    private static final String KEY = "KEY-must-never-be-printed";

    private static MockEnvironment sendCloud() {
        return new MockEnvironment().withProperty("mailer.transport", "sendcloud")
                .withProperty("sendcloud.api-user", "user").withProperty("sendcloud.api-key", KEY)
                .withProperty("sendcloud.template", "verify").withProperty("sendcloud.from", "no-reply@example.com")
                .withProperty("sendcloud.base-url", "https://api.sendcloud.net");
    }

    @Test
    void unsetMeansSendCloudAndEmptySettingsRefuseToStartNamingEveryMissingVariable() {
        MockEnvironment env = new MockEnvironment().withProperty("sendcloud.api-user", "")
                .withProperty("sendcloud.api-key", " ");

        assertThatThrownBy(() -> MailerStartupCheck.check(env)).isInstanceOfSatisfying(MailerConfigurationException.class,
                e -> {
                    assertThat(e.problems()).hasSize(1);
                    assertThat(e.problems().get(0)).contains("MAILER_TRANSPORT is sendcloud (the default)")
                            .contains("SENDCLOUD_API_USER, SENDCLOUD_API_KEY, SENDCLOUD_TEMPLATE, SENDCLOUD_FROM are not set");
                    assertThat(e.action()).contains("MAILER_TRANSPORT=inbox").contains("never falls back");
                });
    }

    @Test
    void eachMissingSettingIsNamedAndNoValueIsPrinted() {
        MockEnvironment env = sendCloud().withProperty("sendcloud.from", "");

        assertThatThrownBy(() -> MailerStartupCheck.check(env)).isInstanceOf(MailerConfigurationException.class)
                .hasMessageContaining("SENDCLOUD_FROM is not set").hasMessageNotContaining("SENDCLOUD_API_KEY")
                .hasMessageNotContaining(KEY);
    }

    @Test
    void completeSendCloudSettingsStartAndTheInboxNeedsNone() {
        assertThat(MailerStartupCheck.check(sendCloud())).isEqualTo(Transport.SENDCLOUD);
        assertThat(MailerStartupCheck.check(new MockEnvironment().withProperty("mailer.transport", "inbox")))
                .isEqualTo(Transport.INBOX);
        assertThat(MailerStartupCheck.check(new MockEnvironment().withProperty("mailer.transport", " Inbox ")))
                .isEqualTo(Transport.INBOX);
        assertThat(MailerStartupCheck.check(new MockEnvironment().withProperty("mailer.transport", "inbox")
                .withProperty("sendcloud.base-url", "http://127.0.0.1:1"))).as("the base URL is SendCloud's business")
                .isEqualTo(Transport.INBOX);
    }

    @Test
    void anUnknownTransportRefusesToStartNamingTheAllowedValues() {
        assertThatThrownBy(() -> MailerStartupCheck.check(new MockEnvironment().withProperty("mailer.transport", "pigeon")))
                .isInstanceOf(MailerConfigurationException.class)
                .hasMessageContaining("MAILER_TRANSPORT (mailer.transport) is 'pigeon'")
                .hasMessageContaining("allowed values are sendcloud (the default), smtp and inbox");
    }

    private static MockEnvironment smtp() {
        return new MockEnvironment().withProperty("mailer.transport", "smtp").withProperty("spring.mail.host", "smtp.example.com")
                .withProperty("mailer.smtp.from", "no-reply@example.com");
    }

    @Test
    void smtpNeedsAHostAndASenderAndNamesTheVariablesThatAreMissing() {
        assertThat(MailerStartupCheck.check(smtp())).isEqualTo(Transport.SMTP);
        assertThat(MailerStartupCheck.check(smtp().withProperty("mailer.transport", " SMTP "))).isEqualTo(Transport.SMTP);
        assertThat(MailerStartupCheck.check(smtp().withProperty("sendcloud.base-url", "http://x")))
                .as("SendCloud's settings are not the SMTP transport's business").isEqualTo(Transport.SMTP);

        assertThatThrownBy(() -> MailerStartupCheck.check(new MockEnvironment().withProperty("mailer.transport", "smtp")
                .withProperty("mailer.smtp.from", " "))).isInstanceOfSatisfying(MailerConfigurationException.class, e -> {
                    assertThat(e.problems()).containsExactly(
                            "MAILER_TRANSPORT is smtp, but SPRING_MAIL_HOST, MAILER_SMTP_FROM are not set.");
                    assertThat(e.action()).contains("SPRING_MAIL_HOST").contains("MAILER_SMTP_FROM")
                            .contains("MAILER_TRANSPORT=inbox").contains("never falls back");
                });
        assertThatThrownBy(() -> MailerStartupCheck.check(smtp().withProperty("spring.mail.host", "")))
                .isInstanceOf(MailerConfigurationException.class).hasMessageContaining("SPRING_MAIL_HOST is not set")
                .hasMessageNotContaining("MAILER_SMTP_FROM is");
    }

    @Test
    void smtpRefusesABadSenderAUserWithoutPasswordAndABadPortWithoutPrintingThePassword() {
        assertThatThrownBy(() -> MailerStartupCheck.check(smtp().withProperty("mailer.smtp.from", "Verimail <x@y.z>")
                .withProperty("spring.mail.username", "mailer").withProperty("spring.mail.port", "smtp")))
                .isInstanceOfSatisfying(MailerConfigurationException.class, e -> assertThat(e.problems()).containsExactly(
                        "MAILER_SMTP_FROM (mailer.smtp.from) is not a plain email address (like no-reply@example.com).",
                        "SPRING_MAIL_USERNAME is set but SPRING_MAIL_PASSWORD is not.",
                        "SPRING_MAIL_PORT (spring.mail.port) is not a port number."));
        assertThat(MailerStartupCheck.check(smtp().withProperty("spring.mail.username", "mailer")
                .withProperty("spring.mail.password", KEY).withProperty("spring.mail.port", "587")))
                .isEqualTo(Transport.SMTP);
    }

    @Test
    void theSmtpTransportFailsTheContextEarlyToo() {
        new ApplicationContextRunner().withUserConfiguration(MailerStartupCheck.class)
                .withPropertyValues("mailer.transport=smtp", "spring.mail.password=" + KEY)
                .run(context -> {
                    assertThat(context).hasFailed();
                    FailureAnalysis analysis = new MailerConfigurationFailureAnalyzer().analyze(context.getStartupFailure());
                    assertThat(analysis.getDescription()).contains("SPRING_MAIL_HOST, MAILER_SMTP_FROM").doesNotContain(KEY);
                });
    }

    @Test
    void anHttpBaseUrlNeedsSendCloudAllowHttp() {
        MockEnvironment http = sendCloud().withProperty("sendcloud.base-url", "http://127.0.0.1:8089");

        assertThatThrownBy(() -> MailerStartupCheck.check(http)).isInstanceOf(MailerConfigurationException.class)
                .hasMessageContaining("SENDCLOUD_BASE_URL").hasMessageContaining("SENDCLOUD_ALLOW_HTTP");
        assertThat(MailerStartupCheck.check(http.withProperty("sendcloud.allow-http", "true")))
                .isEqualTo(Transport.SENDCLOUD);
        assertThatThrownBy(() -> MailerStartupCheck.check(sendCloud().withProperty("sendcloud.base-url", "ftp://x")
                .withProperty("sendcloud.allow-http", "true"))).isInstanceOf(MailerConfigurationException.class)
                .hasMessageContaining("not an absolute http(s) URL");
    }

    @Test
    void allProblemsAreReportedAtOnce() {
        MockEnvironment env = new MockEnvironment().withProperty("sendcloud.base-url", "http://stand-in:80");

        assertThatThrownBy(() -> MailerStartupCheck.check(env)).isInstanceOfSatisfying(MailerConfigurationException.class,
                e -> assertThat(e.problems()).hasSize(2));
    }

    @Test
    void theContextFailsBeforeAnyBeanIsCreatedAndBootReportsItWithoutATrace() {
        new ApplicationContextRunner().withUserConfiguration(MailerStartupCheck.class)
                .withPropertyValues("mailer.transport=sendcloud", "sendcloud.api-key=" + KEY)
                .run(context -> {
                    assertThat(context).hasFailed();
                    Throwable failure = context.getStartupFailure();
                    FailureAnalysis analysis = new MailerConfigurationFailureAnalyzer().analyze(failure);
                    assertThat(analysis.getDescription()).contains("SENDCLOUD_API_USER, SENDCLOUD_TEMPLATE, SENDCLOUD_FROM")
                            .doesNotContain(KEY);
                    assertThat(analysis.getAction()).contains("MAILER_TRANSPORT=inbox");
                });
        new ApplicationContextRunner().withUserConfiguration(MailerStartupCheck.class)
                .withPropertyValues("mailer.transport=inbox").run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void bootFindsTheFailureAnalyzer() throws Exception {
        StringBuilder factories = new StringBuilder();
        for (URL url : Collections.list(getClass().getClassLoader().getResources("META-INF/spring.factories"))) {
            try (InputStream in = url.openStream()) {
                factories.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        assertThat(factories.toString()).contains(FailureAnalyzer.class.getName() + "=\\\n"
                + MailerConfigurationFailureAnalyzer.class.getName());
    }
}
