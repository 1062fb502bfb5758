package dev.verimail.mailer.sendcloud;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.verimail.mailer.config.SendCloudProperties;
import dev.verimail.mailer.delivery.Mail;
import dev.verimail.mailer.delivery.SendResult;
import dev.verimail.testbed.SendCloudStandIn;

/** {@code SENDCLOUD_REGION} against a real HTTP server: each region's path, the same form and reply. */
class SendCloudRegionTests {

    @Test
    void eachRegionCallsItsOwnTemplateSendPath() {
        try (SendCloudStandIn standIn = SendCloudStandIn.start()) {
            for (String region : new String[] { "cn", "sgp" }) {
                SendCloudTransport transport = new SendCloudTransport(new SendCloudProperties("user", "KEY",
                        URI.create(standIn.baseUrl()), true, "verify", null, "no-reply@example.com", null, null,
                        Duration.ofSeconds(2), Duration.ofSeconds(5), region, null));

                SendResult result = transport.send(Mail.verification(UUID.randomUUID(), region + "@example.com", "Ada",
                        "https://verimail.example/verify?token=t&authcode=a"));

                assertThat(result.outcome()).isEqualTo(SendResult.Outcome.SENT);
                SendCloudStandIn.Call call = standIn.calls().get(standIn.calls().size() - 1);
                assertThat(call.path()).isEqualTo(region.equals("cn") ? SendCloudStandIn.PATH : SendCloudStandIn.SGP_PATH);
                assertThat(call.field("templateInvokeName")).isEqualTo("verify");
                assertThat(call.to()).isEqualTo(region + "@example.com");
                assertThat(standIn.emailIdFor(region + "@example.com")).isEqualTo(result.messageId());
                assertThat(transport.describe()).contains("region " + region);
            }
        }
    }
}
