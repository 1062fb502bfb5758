package dev.verimail.mailer.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.verimail.events.registration.RegistrationEvent;
import dev.verimail.events.registration.RegistrationEvent;
import dev.verimail.events.registration.UserRegistered;
import dev.verimail.testbed.SealedChallenges;
import dev.verimail.testbed.SendCloudStandIn;
import dev.verimail.testbed.ServiceTest;

/**
 * The race of a claim that waits: one send slot, a batch of four, each of the first three sends taking 2 s, so the
 * last delivery waits for its slot (6 s) longer than its lease (5 s). Meanwhile another instance (this
 * test) takes the delivery over, as it may once the lease is over, and sends it. The waiting sender must then not
 * send it a second time. Real database, real HTTP server in SendCloud's place; the scheduled re-drive is parked so
 * that only the test plays the other instance.
 */
@ServiceTest(properties = {
        "mailer.transport=sendcloud",
        "sendcloud.allow-http=true",
        "sendcloud.api-user=verimail-test",
        "sendcloud.api-key=KEY-claim-wait",
        "sendcloud.template=verimail_verify",
        "sendcloud.from=no-reply@verimail.dev",
        "sendcloud.timeout=PT2.2S",
        "sendcloud.connect-timeout=PT0.2S",
        "mailer.retry.max-attempts=1",
        "mailer.send.concurrency=1",
        "mailer.redrive.interval=PT1H",
        "mailer.redrive.lease=PT5S" })
class ClaimWaitTests {

    private static final Duration SLOW = Duration.ofMillis(2000);

    static final SendCloudStandIn sendCloud = SendCloudStandIn.start().replies(call -> {
        if (call.field("xsmtpapi").contains("slow-")) {
            try {
                Thread.sleep(SLOW.toMillis());
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return SendCloudStandIn.Reply.success();
    });

    @DynamicPropertySource
    static void sendCloudUrl(DynamicPropertyRegistry registry) {
        registry.add("sendcloud.base-url", sendCloud::baseUrl);
    }

    @AfterAll
    static void stopStandIn() {
        sendCloud.close();
    }

    @Autowired
    Mailer mailer;

    @Autowired
    Claims claims;

    @Autowired
    MailTransport transport;

    @Autowired
    JdbcTemplate db;

    @Test
    void aDeliveryTakenOverWhileItWaitedForASendSlotIsSentOnce() throws Exception {
        RegistrationEvent slow1 = event(77_001, "slow-1@example.com");
        RegistrationEvent slow2 = event(77_002, "slow-2@example.com");
        RegistrationEvent slow3 = event(77_003, "slow-3@example.com");
        RegistrationEvent waiting = event(77_005, "waiting@example.com");

        CompletableFuture<Void> consumer = CompletableFuture
                .runAsync(() -> mailer.accept(List.<RegistrationEvent>of(slow1, slow2, slow3, waiting)));

        // the other instance: it may take the delivery once its lease is over, and sends it
        Claim takenOver = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> claims.claimDue(10).stream().filter(c -> c.eventId().equals(waiting.eventId()))
                        .findFirst().orElse(null), c -> c != null);
        assertThat(consumer).as("the consumer is still waiting for a send slot").isNotDone();
        SendResult sent = transport.send(Mail.verification(takenOver.eventId(), takenOver.email(), takenOver.name(),
                Links.verification(URI.create("http://localhost/verify"), takenOver.token(), takenOver.authcode())));
        assertThat(sent.outcome()).isEqualTo(SendResult.Outcome.SENT);
        assertThat(claims.markSent(takenOver, sent.messageId(), 1, null)).isTrue();

        consumer.get(30, TimeUnit.SECONDS);
        // the consumer's sender has its slot now: give it time to call SendCloud, if it were to
        await().pollDelay(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> true);

        assertThat(calls("waiting@example.com")).as("SendCloud calls for the delivery taken over").isOne();
        assertThat(db.queryForObject("SELECT message_id FROM delivery WHERE event_id = ?", String.class,
                waiting.eventId().toString())).isEqualTo(sent.messageId());
    }

    private static long calls(String to) {
        return sendCloud.calls().stream().filter(c -> c.field("xsmtpapi").contains("\"" + to + "\"")).count();
    }

    private static RegistrationEvent event(long userId, String email) {
        Instant now = Instant.now();
        return SealedChallenges.v2(new UserRegistered(UUID.randomUUID(), now, userId, "N", email, "t-" + userId,
                "a-" + userId, now.plus(Duration.ofHours(1))));
    }
}
