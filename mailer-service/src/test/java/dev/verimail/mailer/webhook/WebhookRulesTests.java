package dev.verimail.mailer.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;
import org.springframework.http.ResponseEntity;
import org.springframework.util.LinkedMultiValueMap;

import dev.verimail.mailer.config.MailerProperties;
import dev.verimail.mailer.config.SendCloudProperties;
import dev.verimail.mailer.delivery.DeliveryStatus;
import dev.verimail.testbed.SendCloudWebhooks;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The signature, the status rules and the closed default, without Spring, a database or a broker. */
class WebhookRulesTests {

    @Test
    void theSignatureIsHexHmacSha256OfTimestampAndTokenWithTheAppKey() throws Exception {
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec("key".getBytes(), "HmacSHA256"));
        String expected = HexFormat.of().formatHex(mac.doFinal("1430889473430abcdefgh".getBytes()));

        assertThat(WebhookSignature.of("key", "1430889473430", "abcdefgh")).isEqualTo(expected);
        assertThat(WebhookSignature.valid("key", "1430889473430", "abcdefgh", expected.toUpperCase())).isTrue();
        assertThat(WebhookSignature.of("key", "1430889473430", "abcdefgh"))
                .as("the stand-in signs as the mailer checks")
                .isEqualTo(SendCloudWebhooks.sign("key", "1430889473430", "abcdefgh"));
        assertThat(WebhookSignature.valid("other", "1430889473430", "abcdefgh", expected)).isFalse();
        assertThat(WebhookSignature.valid("key", "1430889473431", "abcdefgh", expected)).isFalse();
        assertThat(WebhookSignature.valid("key", "1430889473430", "abcdefgh", null)).isFalse();
        assertThat(WebhookSignature.valid("", "1430889473430", "abcdefgh", expected)).isFalse();
    }

    @Test
    void statusesMoveOnlyForwardFromSent() {
        assertThat(ProviderEvent.DELIVER.next(DeliveryStatus.SENT)).isEqualTo(DeliveryStatus.DELIVERED);
        assertThat(ProviderEvent.DELIVER.next(DeliveryStatus.BOUNCED)).isEqualTo(DeliveryStatus.DELIVERED);
        assertThat(ProviderEvent.DELIVER.next(DeliveryStatus.INVALID)).isNull();
        assertThat(ProviderEvent.OPEN.next(DeliveryStatus.SENT)).as("an open proves delivery")
                .isEqualTo(DeliveryStatus.DELIVERED);
        assertThat(ProviderEvent.OPEN.next(DeliveryStatus.DELIVERED)).isNull();
        assertThat(ProviderEvent.SOFT_BOUNCE.next(DeliveryStatus.SENT)).isEqualTo(DeliveryStatus.BOUNCED);
        assertThat(ProviderEvent.SOFT_BOUNCE.next(DeliveryStatus.BOUNCED)).as("counted again")
                .isEqualTo(DeliveryStatus.BOUNCED);
        assertThat(ProviderEvent.SOFT_BOUNCE.next(DeliveryStatus.DELIVERED)).isNull();
        assertThat(ProviderEvent.INVALID.next(DeliveryStatus.DELIVERED)).as("accepted, then bounced")
                .isEqualTo(DeliveryStatus.INVALID);
        assertThat(ProviderEvent.INVALID.next(DeliveryStatus.INVALID)).isNull();
        assertThat(ProviderEvent.REPORT_SPAM.next(DeliveryStatus.DELIVERED)).isEqualTo(DeliveryStatus.SPAM);
        assertThat(ProviderEvent.REPORT_SPAM.next(DeliveryStatus.INVALID)).isNull();
        assertThat(ProviderEvent.UNSUBSCRIBE.next(DeliveryStatus.DELIVERED)).isEqualTo(DeliveryStatus.DELIVERED);
        assertThat(ProviderEvent.REQUEST.next(DeliveryStatus.SENT)).isNull();
        for (ProviderEvent event : ProviderEvent.values()) {
            for (DeliveryStatus unsent : new DeliveryStatus[] { DeliveryStatus.PENDING, DeliveryStatus.RETRYING,
                    DeliveryStatus.FAILED }) {
                assertThat(event.next(unsent)).as("%s on %s: not sent, nothing to report", event, unsent).isNull();
            }
        }
        assertThat(ProviderEvent.of("soft_bounce")).isEqualTo(ProviderEvent.SOFT_BOUNCE);
        assertThat(ProviderEvent.of(" Invalid ")).isEqualTo(ProviderEvent.INVALID);
        assertThat(ProviderEvent.of("route")).isNull();
    }

    @Test
    void withoutAWebhookKeyEveryWebhookIsRefusedUnread() {
        SendCloudProperties noKey = new SendCloudProperties("u", "k", null, false, "t", null, "a@b.c", null, null,
                Duration.ofSeconds(5), Duration.ofSeconds(5), "cn", " ");
        SendCloudWebhook webhook = new SendCloudWebhook(noKey, properties(), null, Clock.systemUTC(),
                new SimpleMeterRegistry());
        LinkedMultiValueMap<String, String> fields = new LinkedMultiValueMap<>();
        fields.add("event", "invalid");
        fields.add("timestamp", "1");
        fields.add("token", "abcdefghij");
        fields.add("signature", SendCloudWebhooks.sign(" ", "1", "abcdefghij"));

        ResponseEntity<?> answer = webhook.form(fields);

        assertThat(answer.getStatusCode().value()).isEqualTo(404);
    }

    @Test
    void regionsPickSendCloudsHostAndPathAndABaseUrlReplacesOnlyTheHost() {
        assertThat(props("cn", null).sendTemplateUrl()).isEqualTo(URI.create("https://api.sendcloud.net/apiv2/mail/sendtemplate"));
        assertThat(props(null, null).sendTemplateUrl()).as("cn by default")
                .isEqualTo(URI.create("https://api.sendcloud.net/apiv2/mail/sendtemplate"));
        assertThat(props("SGP", null).sendTemplateUrl())
                .isEqualTo(URI.create("https://api.aurorasendcloud.com/email/sendtemplate"));
        assertThat(props("sgp", URI.create("http://127.0.0.1:9999/")).sendTemplateUrl())
                .isEqualTo(URI.create("http://127.0.0.1:9999/email/sendtemplate"));
        assertThat(SendCloudProperties.Region.of("eu")).isNull();
    }

    private static SendCloudProperties props(String region, URI base) {
        return new SendCloudProperties("u", "k", base, false, "t", null, "a@b.c", null, null, Duration.ofSeconds(5),
                Duration.ofSeconds(5), region, null);
    }

    private static MailerProperties properties() {
        return new org.springframework.boot.context.properties.bind.Binder(
                new org.springframework.boot.context.properties.source.MapConfigurationPropertySource())
                .bindOrCreate("mailer", MailerProperties.class);
    }
}
