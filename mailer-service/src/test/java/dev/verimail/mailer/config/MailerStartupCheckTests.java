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
                .hasMessageContaining("allowed values are sendcloud (the default) and inbox");
        assertThatThrownBy(() -> MailerStartupCheck.check(new MockEnvironment().withProperty("mailer.transport", "smtp")))
                .isInstanceOf(MailerConfigurationException.class).hasMessageContaining("not available yet");
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
