package dev.verimail.mailer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.verimail.events.CloudEventHeaders;
import dev.verimail.events.Topics;
import dev.verimail.events.registration.RegistrationEvent;
import dev.verimail.events.registration.UserRegistered;
import dev.verimail.testbed.EventSchemaAssert;
import dev.verimail.testbed.SendCloudWebhooks;
import dev.verimail.testbed.ServiceTest;
import dev.verimail.testbed.TestHttp;
import dev.verimail.testbed.TopicReader;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * SendCloud's webhooks against the real mailer, database and broker: a signed event changes the delivery SendCloud's
 * email id names; a bad signature, an old timestamp or a replay change nothing; an address SendCloud gives up on is
 * announced on {@code verification-events} as {@code EmailUndeliverable}. Each test uses addresses of its own.
 */
@ServiceTest(properties = {
        "mailer.transport=sendcloud",
        "sendcloud.allow-http=true",
        "sendcloud.api-user=verimail-test",
        "sendcloud.api-key=KEY-webhook-tests",
        "sendcloud.template=verimail_verify",
        "sendcloud.from=no-reply@verimail.dev",
        "sendcloud.webhook-key=" + SendCloudWebhookTests.WEBHOOK_KEY,
        "mailer.webhook.soft-bounce-limit=3",
        "mailer.verification-url=https://verimail.example/verify" })
class SendCloudWebhookTests {

    static final String WEBHOOK_KEY = "APPKEY-3f9c2a7e";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration WAIT = Duration.ofSeconds(30);

    static final SendCloudStandIn sendCloud = SendCloudStandIn.start();

    @DynamicPropertySource
    static void sendCloudUrl(DynamicPropertyRegistry registry) {
        registry.add("sendcloud.base-url", sendCloud::baseUrl);
    }

    @AfterAll
    static void stopStandIn() {
        sendCloud.close();
    }

    @LocalServerPort
    int port;

    @Value("${spring.kafka.bootstrap-servers}")
    String bootstrapServers;

    TestHttp http;
    DeliveryRecords records;
    Events events;
    SendCloudWebhooks webhooks;

    @BeforeEach
    void setUp() {
        http = TestHttp.localhost(port);
        records = new DeliveryRecords(http);
        events = new Events(bootstrapServers);
        webhooks = new SendCloudWebhooks("http://127.0.0.1:" + port + "/webhooks/sendcloud", WEBHOOK_KEY);
    }

    @AfterEach
    void tearDown() {
        events.close();
    }

    @Test
    void invalidMarksTheDeliveryAndAnnouncesEmailUndeliverableOnceWithTheMailersSource() {
        UserRegistered event = sent("nobody-here@example.com");
        String emailId = messageId(event);

        Map<String, String> fields = webhooks.fields("invalid", emailId, event.email(), Instant.now(),
                SendCloudWebhooks.token(), Map.of("subStat", "406", "message", "550 5.1.1 user unknown"));
        HttpResponse<String> answer = webhooks.post(fields);

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(answer.body()).get("result").asString()).isEqualTo("applied");
        JsonNode delivery = records.of(event);
        assertThat(delivery.get("status").asString()).isEqualTo("INVALID");
        assertThat(delivery.get("providerEvent").asString()).isEqualTo("invalid");
        assertThat(delivery.get("providerCode").asInt()).isEqualTo(406);
        assertThat(delivery.get("lastError").asString()).isEqualTo("SendCloud invalid 406: 550 5.1.1 user unknown");
        assertThat(absent(delivery, "undeliverableAt")).isFalse();

        try (TopicReader reader = TopicReader.fromBeginning(bootstrapServers, Topics.VERIFICATION_EVENTS)) {
            List<ConsumerRecord<String, String>> announced = reader.await(r -> r.value().contains(event.eventId().toString()),
                    1, WAIT);
            ConsumerRecord<String, String> record = announced.get(0);
            assertThat(record.key()).isEqualTo(Long.toString(event.userId()));
            assertThat(TopicReader.header(record, CloudEventHeaders.SOURCE)).isEqualTo("/verimail/mailer-service");
            assertThat(TopicReader.header(record, CloudEventHeaders.TYPE)).isEqualTo("verimail.mailer.EmailUndeliverable.v1");
            EventSchemaAssert.assertMatchesSchema("EmailUndeliverable", record.value());
            JsonNode json = JSON.readTree(record.value());
            assertThat(json.get("reason").asString()).isEqualTo("INVALID");
            assertThat(json.get("email").asString()).isEqualTo(event.email());
            assertThat(json.get("deliveryEventId").asString()).isEqualTo(event.eventId().toString());
            assertThat(json.get("providerCode").asInt()).isEqualTo(406);

            // SendCloud's retry of the same webhook (same token) changes nothing and announces nothing again
            assertThat(JSON.readTree(webhooks.post(fields).body()).get("result").asString()).isEqualTo("replay");
            // a later report on the same email, even signed and fresh, does not undo INVALID nor announce again
            assertThat(webhooks.post("deliver", emailId, event.email(), Map.of()).statusCode()).isEqualTo(200);
            assertThat(webhooks.post("invalid", emailId, event.email(), Map.of("subStat", "406")).statusCode())
                    .isEqualTo(200);
            assertThat(reader.readFor(Duration.ofSeconds(3), r -> r.value().contains(event.eventId().toString())))
                    .hasSize(1);
        }
        assertThat(records.of(event).get("status").asString()).isEqualTo("INVALID");
    }

    @Test
    void deliverMarksItDeliveredAndALateOpenChangesNothing() {
        UserRegistered event = sent("arrives@example.com");
        String emailId = messageId(event);

        assertThat(webhooks.post("request", emailId, event.email(), Map.of()).statusCode()).isEqualTo(200);
        assertThat(records.of(event).get("status").asString()).isEqualTo("SENT");
        assertThat(webhooks.post("deliver", emailId, event.email(), Map.of()).statusCode()).isEqualTo(200);
        JsonNode delivered = records.of(event);
        assertThat(delivered.get("status").asString()).isEqualTo("DELIVERED");
        assertThat(delivered.get("providerEvent").asString()).isEqualTo("deliver");
        assertThat(absent(delivered, "undeliverableAt")).isTrue();

        assertThat(webhooks.post("open", emailId, event.email(), Map.of()).statusCode()).isEqualTo(200);
        assertThat(records.of(event).get("providerEvent").asString()).isEqualTo("deliver");
        assertThat(webhooks.post("report_spam", emailId, event.email(), Map.of()).statusCode()).isEqualTo(200);
        assertThat(records.of(event).get("status").asString()).isEqualTo("SPAM");
    }

    @Test
    void aBadSignatureAnOldTimestampAndAForgedFieldChangeNothing() {
        UserRegistered event = sent("forged@example.com");
        String emailId = messageId(event);

        Map<String, String> wrongKey = new SendCloudWebhooks("http://127.0.0.1:" + port + "/webhooks/sendcloud", "not-the-key")
                .fields("invalid", emailId, event.email(), Instant.now(), SendCloudWebhooks.token(), Map.of());
        assertThat(webhooks.post(wrongKey).statusCode()).isEqualTo(401);

        Map<String, String> unsigned = new java.util.LinkedHashMap<>(
                webhooks.fields("invalid", emailId, event.email(), Instant.now(), SendCloudWebhooks.token(), Map.of()));
        unsigned.remove("signature");
        HttpResponse<String> refused = webhooks.post(unsigned);
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(JSON.readTree(refused.body()).get("code").asString()).isEqualTo("bad-signature");

        // the signature covers timestamp and token: a changed timestamp is a wrong signature
        Map<String, String> moved = new java.util.LinkedHashMap<>(
                webhooks.fields("invalid", emailId, event.email(), Instant.now(), SendCloudWebhooks.token(), Map.of()));
        moved.put("timestamp", Long.toString(Instant.now().plusSeconds(5).toEpochMilli()));
        assertThat(webhooks.post(moved).statusCode()).isEqualTo(401);

        Map<String, String> old = webhooks.fields("invalid", emailId, event.email(),
                Instant.now().minus(Duration.ofHours(2)), SendCloudWebhooks.token(), Map.of());
        HttpResponse<String> stale = webhooks.post(old);
        assertThat(stale.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(stale.body()).get("code").asString()).isEqualTo("stale-webhook");

        JsonNode delivery = records.of(event);
        assertThat(delivery.get("status").asString()).isEqualTo("SENT");
        assertThat(absent(delivery, "providerEvent")).isTrue();
    }

    @Test
    void softBouncesAreCountedAndTheThirdMakesTheAddressUndeliverable() {
        UserRegistered event = sent("full-mailbox@example.com");
        String emailId = messageId(event);

        Map<String, String> first = webhooks.fields("soft_bounce", emailId, event.email(), Instant.now(),
                SendCloudWebhooks.token(), Map.of("subStat", "503"));
        assertThat(webhooks.post(first).statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(webhooks.post(first).body()).get("result").asString())
                .as("a replayed soft bounce is not counted twice").isEqualTo("replay");
        assertThat(webhooks.post("soft_bounce", emailId, event.email(), Map.of("subStat", "503")).statusCode())
                .isEqualTo(200);
        JsonNode twice = records.of(event);
        assertThat(twice.get("status").asString()).isEqualTo("BOUNCED");
        assertThat(absent(twice, "undeliverableAt")).isTrue();

        assertThat(webhooks.post("soft_bounce", emailId, event.email(), Map.of("subStat", "507")).statusCode())
                .isEqualTo(200);
        JsonNode thrice = records.of(event);
        assertThat(absent(thrice, "undeliverableAt")).isFalse();
        assertThat(thrice.get("providerCode").asInt()).isEqualTo(507);
        try (TopicReader reader = TopicReader.fromBeginning(bootstrapServers, Topics.VERIFICATION_EVENTS)) {
            ConsumerRecord<String, String> record = reader.await(r -> r.value().contains(event.eventId().toString()),
                    1, WAIT).get(0);
            assertThat(JSON.readTree(record.value()).get("reason").asString()).isEqualTo("BOUNCED");
            assertThat(JSON.readTree(record.value()).get("providerEvent").asString()).isEqualTo("soft_bounce");
        }
    }

    @Test
    void unknownEventTypesAndUnknownEmailIdsAreAcceptedAndIgnored() {
        UserRegistered event = sent("ignored@example.com");
        String emailId = messageId(event);

        HttpResponse<String> route = webhooks.post("route", emailId, event.email(), Map.of());
        assertThat(route.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(route.body()).get("result").asString()).isEqualTo("ignored");
        assertThat(records.of(event).get("status").asString()).isEqualTo("SENT");

        // an email id of no delivery, reported minutes ago: another application's email, accepted and ignored
        HttpResponse<String> other = webhooks.post(webhooks.fields("deliver", "sc-someone-else@example.com",
                "someone-else@example.com", Instant.now().minus(Duration.ofMinutes(5)), SendCloudWebhooks.token(),
                Map.of()));
        assertThat(other.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(other.body()).get("result").asString()).isEqualTo("unmatched");
    }

    @Test
    void aReportThatOutrunsTheRecordedSendIsAskedAgainAndThenApplied() {
        // SendCloud may report before the mailer has recorded SendCloud's email id: a recent unknown id gets a 503,
        // nothing is kept, and SendCloud's retry (same token) is applied once the send is recorded
        UserRegistered event = sent("early-report@example.com");
        String emailId = messageId(event);
        Map<String, String> early = webhooks.fields("deliver", emailId + "-not-yet", event.email(), Instant.now(),
                SendCloudWebhooks.token(), Map.of());
        HttpResponse<String> notYet = webhooks.post(early);
        assertThat(notYet.statusCode()).isEqualTo(503);
        assertThat(notYet.headers().firstValue("Retry-After")).isPresent();

        Map<String, String> retry = webhooks.fields("deliver", emailId, event.email(), Instant.now(),
                early.get("token"), Map.of());
        assertThat(JSON.readTree(webhooks.post(retry).body()).get("result").asString())
                .as("the 503 kept no token: the retry is not a replay").isEqualTo("applied");
        assertThat(records.of(event).get("status").asString()).isEqualTo("DELIVERED");
    }

    @Test
    void theWebhookIsPublicButEveryOtherMailerApiStillNeedsTheOperatorToken() {
        assertThat(http.get("/api/deliveries?email=x%40example.com").statusCode()).isEqualTo(401);
        assertThat(webhooks.post("deliver", "sc-nothing@example.com", "x@example.com", Map.of()).statusCode())
                .as("anonymous, checked by its signature").isIn(200, 503);
    }

    private UserRegistered sent(String email) {
        UserRegistered event = Events.registered(Events.newUserId(), "Webhook Test", unique(email), "tok-wh",
                "SECRET-AUTH-wh");
        events.publish(event);
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
            JsonNode d = records.of(event);
            return d != null && "SENT".equals(d.get("status").asString());
        });
        return event;
    }

    private static boolean absent(JsonNode node, String field) {
        return node.path(field).isNull() || node.path(field).isMissingNode();
    }

    private static String unique(String email) {
        int at = email.indexOf('@');
        return email.substring(0, at) + "+" + Long.toString(System.nanoTime(), 36) + email.substring(at);
    }

    private String messageId(RegistrationEvent event) {
        String id = records.of(event).get("messageId").asString();
        assertThat(id).isNotBlank();
        return id;
    }

}
