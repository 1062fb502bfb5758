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
        SendCloudProperties properties = new SendCloudProperties("user", "s3cr3t-key", BASE, false, "tpl", null,
                "a@b.c", "A", null, FIVE, FIVE, "cn", null);

        assertThat(properties.toString()).doesNotContain("s3cr3t-key").contains("apiKey=******").contains("user");
    }

    @Test
    void noticesNeedANoticeTemplate() {
        assertThat(new SendCloudProperties("u", "k", BASE, false, "tpl", " ", "a@b.c", null, null, FIVE, FIVE, "cn", null)
                .sendsNotices()).isFalse();
        assertThat(new SendCloudProperties("u", "k", BASE, false, "tpl", "notice", "a@b.c", null, null, FIVE, FIVE, "cn", null)
                .sendsNotices()).isTrue();
    }

    @Test
    void timeoutsMustBePositive() {
        assertThatIllegalArgumentException().isThrownBy(() -> new SendCloudProperties("u", "k", BASE, false, "t", null,
                "a@b.c", null, null, Duration.ZERO, FIVE, "cn", null));
    }
}
