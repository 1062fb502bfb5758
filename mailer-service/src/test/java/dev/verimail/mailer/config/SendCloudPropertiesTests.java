package dev.verimail.mailer.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.net.URI;
import java.time.Duration;

import org.junit.jupiter.api.Test;

class SendCloudPropertiesTests {

    private static final URI BASE = URI.create("https://api.sendcloud.net");
    private static final Duration FIVE = Duration.ofSeconds(5);

    @Test
    void toStringNeverShowsTheApiKey() {
        SendCloudProperties properties = new SendCloudProperties("user", "s3cr3t-key", BASE, "tpl", "a@b.c", "A", null,
                FIVE, FIVE);

        assertThat(properties.toString()).doesNotContain("s3cr3t-key").contains("apiKey=******").contains("user");
        assertThat(properties.configured()).isTrue();
    }

    @Test
    void withoutUserOrKeyTheInboxIsUsed() {
        assertThat(new SendCloudProperties("user", " ", BASE, null, null, null, null, FIVE, FIVE).configured()).isFalse();
        assertThat(new SendCloudProperties(null, "key", BASE, null, null, null, null, FIVE, FIVE).configured()).isFalse();
    }

    @Test
    void credentialsWithoutTemplateOrSenderAreRefusedAtStartup() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new SendCloudProperties("user", "key", BASE, null, "a@b.c", null, null, FIVE, FIVE))
                .withMessageContaining("SENDCLOUD_TEMPLATE").withMessageNotContaining("key,");
    }
}
