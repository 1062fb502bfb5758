package dev.verimail.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.verimail.events.CloudEventHeaders;
import dev.verimail.events.Topics;
import dev.verimail.events.verification.EmailUndeliverable;
import dev.verimail.events.verification.EmailVerified;
import dev.verimail.events.verification.VerificationEvent;
import dev.verimail.outbox.EventJson;
import dev.verimail.testbed.EventSchemaAssert;
import dev.verimail.testbed.SendCloudStandIn;
import dev.verimail.testbed.SendCloudWebhooks;
import dev.verimail.testbed.TestHttp;
import dev.verimail.testbed.TopicReader;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The whole story across the three services, through Kafka, with a real HTTP server standing in for SendCloud:
 * sign-up, the SendCloud call with the link, the click, VERIFIED, and {@code EmailVerified} for a subscriber.
 */
class SignupToVerifiedTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String WEBHOOK_KEY = "e2e-webhook-app-key";

    static OtlpReceiver collector;
    static SendCloudStandIn sendCloud;
    static VerimailStack stack;
    static TopicReader subscriber;

    @BeforeAll
    static void startSystem() {
        sendCloud = SendCloudStandIn.start();
        collector = OtlpReceiver.start();
        stack = VerimailStack.start("sendcloud", Map.of(
                "MAILER_TRANSPORT", "sendcloud",
                "SENDCLOUD_ALLOW_HTTP", "true",
                "SENDCLOUD_API_USER", "e2e-user",
                "SENDCLOUD_API_KEY", "e2e-secret-key-123",
                "SENDCLOUD_BASE_URL", sendCloud.baseUrl(),
                "SENDCLOUD_TEMPLATE", "verimail_verify",
                "SENDCLOUD_FROM", "no-reply@verimail.test",
                "SENDCLOUD_FROM_NAME", "verimail",
                "SENDCLOUD_WEBHOOK_KEY", WEBHOOK_KEY), Map.of(),
                // every span exported to the collector stand-in, in batches at most 200 ms old
                Map.of("VERIMAIL_OTLP_ENDPOINT", collector.endpoint(),
                        "MANAGEMENT_OPENTELEMETRY_TRACING_EXPORT_SCHEDULE_DELAY", "200ms"));
        subscriber = stack.reader(Topics.VERIFICATION_EVENTS);
        // SendCloud reports on what it accepted: an address of the "bounce." kind is invalid (406, does not exist)
        sendCloud.reportTo(new SendCloudWebhooks(stack.mailer.baseUrl() + "/webhooks/sendcloud", WEBHOOK_KEY),
                Duration.ofSeconds(1), call -> call.to() != null && call.to().startsWith("bounce.")
                        ? List.of("invalid:406") : List.of());
    }

    @AfterAll
    static void stopSystem() {
        if (subscriber != null) {
            subscriber.close();
        }
        if (stack != null) {
            stack.close();
        }
        if (sendCloud != null) {
            sendCloud.close();
        }
        if (collector != null) {
            collector.close();
        }
    }

    @Test
    void anAddressSendCloudReportsInvalidEndsUndeliverableAndASubscriberHearsOfIt() {
        TestHttp registration = new TestHttp(stack.registration.baseUrl());
        String email = "bounce.nobody@example.com";

        HttpResponse<String> signup = registration.postJson("/api/registrations",
                JSON.writeValueAsString(Map.of("name", "Nobody", "email", email)));
        assertThat(signup.statusCode()).isEqualTo(202);
        long id = JSON.readTree(signup.body()).get("id").asLong();

        // SendCloud accepted it, then reported it invalid through its signed webhook
        await().atMost(Duration.ofSeconds(60)).until(() -> status(registration, id), "UNDELIVERABLE"::equals);
        List<ConsumerRecord<String, String>> announced = subscriber.await(r -> r.key().equals(Long.toString(id))
                && EmailUndeliverable.CLOUD_EVENT_TYPE.equals(TopicReader.header(r, CloudEventHeaders.TYPE)), 1,
                Duration.ofSeconds(60));
        ConsumerRecord<String, String> record = announced.get(0);
        EventSchemaAssert.assertMatchesSchema("EmailUndeliverable", record.value());
        EmailUndeliverable undeliverable = (EmailUndeliverable) EventJson.read(record.value(), VerificationEvent.class);
        assertThat(undeliverable.email()).isEqualTo(email);
        assertThat(undeliverable.reason()).isEqualTo(EmailUndeliverable.Reason.INVALID);
        assertThat(undeliverable.providerCode()).isEqualTo(406);
        assertThat(TopicReader.header(record, CloudEventHeaders.SOURCE)).isEqualTo("/verimail/mailer-service");

        TestHttp mailer = new TestHttp(stack.mailer.baseUrl());
        JsonNode delivery = JSON.readTree(mailer.send(java.net.http.HttpRequest.newBuilder(
                mailer.uri("/api/deliveries?email=" + TestHttp.enc(email)))
                .header("Authorization", "Bearer " + stack.mailer.operatorToken())).body()).get(0);
        assertThat(delivery.get("status").asString()).as("the operator tells bounced from still trying")
                .isEqualTo("INVALID");
        assertThat(delivery.get("providerCode").asInt()).isEqualTo(406);
        assertThat(sendCloud.webhookAnswers()).as("every webhook answered 200 in the end")
                .anySatisfy(a -> assertThat(a.statusCode()).isEqualTo(200));
    }

    @Test
    void signupLeadsToOneEmailAndTheClickToVerifiedAndOneEmailVerifiedEvent() {
        TestHttp registration = new TestHttp(stack.registration.baseUrl());
        TestHttp verification = new TestHttp(stack.verification.baseUrl());
        String name = "Zoë O'Brien & \"Co\" 100% 李";
        String email = "e2e.user@example.com";

        HttpResponse<String> signup = registration.postJson("/api/registrations",
                JSON.writeValueAsString(Map.of("name", name, "email", email)));
        assertThat(signup.statusCode()).isEqualTo(202);
        long id = JSON.readTree(signup.body()).get("id").asLong();

        SendCloudStandIn.Call call = await().atMost(Duration.ofSeconds(60))
                .until(() -> callsTo(email), calls -> !calls.isEmpty()).get(0);
        assertThat(call.field("apiUser")).isEqualTo("e2e-user");
        assertThat(call.field("apiKey")).isEqualTo("e2e-secret-key-123");
        assertThat(call.field("templateInvokeName")).isEqualTo("verimail_verify");
        assertThat(call.field("from")).isEqualTo("no-reply@verimail.test");
        assertThat(call.field("fromName")).isEqualTo("verimail");
        JsonNode xsmtpapi = JSON.readTree(call.field("xsmtpapi"));
        assertThat(xsmtpapi.get("to").get(0).asString()).isEqualTo(email);
        assertThat(xsmtpapi.get("sub").get("%name%").get(0).asString()).isEqualTo(name);
        String link = xsmtpapi.get("sub").get("%url%").get(0).asString();
        assertThat(link).startsWith(stack.verification.baseUrl() + "/verify?token=");

        // The mailer and verification-service consume the same event independently; the link works as soon as
        // verification-service has stored its challenge, normally milliseconds after the email went out.
        HttpResponse<String> confirmPage = await().atMost(Duration.ofSeconds(30))
                .until(() -> verification.send(java.net.http.HttpRequest.newBuilder(URI.create(link)).GET()),
                        page -> page.statusCode() != 404);
        assertThat(confirmPage.statusCode()).isEqualTo(200);
        assertThat(confirmPage.body()).contains("<form").containsIgnoringCase("confirm");
        assertThat(status(registration, id)).as("a GET of the link verifies nobody").isEqualTo("PENDING");

        Map<String, String> query = query(link);
        HttpResponse<String> confirmed = verification.postForm("/verify",
                Map.of("token", query.get("token"), "authcode", query.get("authcode")));
        assertThat(confirmed.statusCode()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(60)).until(() -> status(registration, id), "VERIFIED"::equals);
        JsonNode view = JSON.readTree(registration.get("/api/registrations/" + id).body());
        assertThat(view.propertyNames()).as("the public view is id and status only").containsExactlyInAnyOrder("id", "status");
        JsonNode full = JSON.readTree(registration.send(java.net.http.HttpRequest.newBuilder(registration.uri("/api/registrations/" + id))
                .header("Authorization", "Bearer " + stack.registration.operatorToken())).body());
        assertThat(full.get("email").asString()).as("the operator's view is the full record").isEqualTo(email);
        assertThat(full.get("verifiedAt").isNull()).isFalse();

        List<ConsumerRecord<String, String>> events = subscriber.await(r -> r.key().equals(Long.toString(id)), 1,
                Duration.ofSeconds(60));
        ConsumerRecord<String, String> record = events.get(0);
        EventSchemaAssert.assertMatchesSchema("EmailVerified", record.value());
        EmailVerified verified = (EmailVerified) EventJson.read(record.value(), VerificationEvent.class);
        assertThat(verified.userId()).isEqualTo(id);
        assertThat(verified.email()).isEqualTo(email);
        assertThat(TopicReader.header(record, CloudEventHeaders.TYPE)).isEqualTo(EmailVerified.CLOUD_EVENT_TYPE);
        assertThat(TopicReader.header(record, CloudEventHeaders.ID)).isEqualTo(verified.eventId().toString());

        HttpResponse<String> again = verification.postForm("/verify",
                Map.of("token", query.get("token"), "authcode", query.get("authcode")));
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(subscriber.readFor(Duration.ofSeconds(3), r -> r.key().equals(Long.toString(id))))
                .as("one EmailVerified per user, even after a second click").hasSize(1);
        assertThat(callsTo(email)).as("one email per sign-up").hasSize(1);
    }

    /**
     * The code beside the link: the person reads the 6-digit code in the email (SendCloud's {@code %code%}) and
     * types it with their address on {@code /verify/code} instead of clicking; the same verification, the same one
     * {@code EmailVerified}.
     */
    @Test
    void signupConfirmedWithTheCodeFromTheEmailInsteadOfTheLink() {
        TestHttp registration = new TestHttp(stack.registration.baseUrl());
        TestHttp verification = new TestHttp(stack.verification.baseUrl());
        String email = "e2e.code@example.com";

        HttpResponse<String> signup = registration.postJson("/api/registrations",
                JSON.writeValueAsString(Map.of("name", "Cody", "email", email)));
        assertThat(signup.statusCode()).isEqualTo(202);
        long id = JSON.readTree(signup.body()).get("id").asLong();

        SendCloudStandIn.Call call = await().atMost(Duration.ofSeconds(60))
                .until(() -> callsTo(email), calls -> !calls.isEmpty()).get(0);
        JsonNode sub = JSON.readTree(call.field("xsmtpapi")).get("sub");
        String code = sub.get("%code%").get(0).asString();
        assertThat(code).matches("[0-9]{6}");
        String link = sub.get("%url%").get(0).asString();
        assertThat(link).doesNotContain(code);
        // the challenge is stored once the link's page (a GET: it changes nothing, counts nothing) knows it
        await().atMost(Duration.ofSeconds(30))
                .until(() -> verification.send(java.net.http.HttpRequest.newBuilder(URI.create(link)).GET())
                        .statusCode(), status -> status == 200);

        HttpResponse<String> form = verification.get("/verify/code?email=" + TestHttp.enc(email));
        assertThat(form.statusCode()).isEqualTo(200);
        assertThat(form.body()).contains("action=\"/verify/code\"");
        HttpResponse<String> confirmed = verification.postForm("/verify/code", Map.of("email", email.toUpperCase(),
                "code", code));
        assertThat(confirmed.statusCode()).isEqualTo(200);
        assertThat(confirmed.body()).contains("id=\"verified\"");

        await().atMost(Duration.ofSeconds(60)).until(() -> status(registration, id), "VERIFIED"::equals);
        ConsumerRecord<String, String> record = subscriber.await(r -> r.key().equals(Long.toString(id)), 1,
                Duration.ofSeconds(60)).get(0);
        EventSchemaAssert.assertMatchesSchema("EmailVerified", record.value());
        EmailVerified verified = (EmailVerified) EventJson.read(record.value(), VerificationEvent.class);
        assertThat(verified.email()).isEqualTo(email);

        // the link, clicked after the code, finds the address confirmed; still one event
        Map<String, String> query = query(link);
        assertThat(verification.postForm("/verify", Map.of("token", query.get("token"), "authcode",
                query.get("authcode"))).body()).contains("id=\"already-verified\"");
        assertThat(subscriber.readFor(Duration.ofSeconds(3), r -> r.key().equals(Long.toString(id)))).hasSize(1);
    }

    /**
     * One sign-up is one trace through the three services (the request, the outbox relay's publish, the mailer's
     * and verification-service's consumers, the delivery and its SendCloud call); the click is a trace of its own
     * whose confirm span links to the sign-up's, and which {@code EmailVerified} carries to registration-service.
     * The delivery record and the log lines name the trace.
     */
    @Test
    void oneSignupIsOneTraceAcrossTheThreeServicesAndTheClickLinksToIt() throws Exception {
        TestHttp registration = new TestHttp(stack.registration.baseUrl());
        TestHttp verification = new TestHttp(stack.verification.baseUrl());
        String email = "e2e.traced@example.com";
        HttpResponse<String> signup = registration.postJson("/api/registrations",
                JSON.writeValueAsString(Map.of("name", "Traced", "email", email)));
        assertThat(signup.statusCode()).isEqualTo(202);
        long id = JSON.readTree(signup.body()).get("id").asLong();
        String link = JSON.readTree(await().atMost(Duration.ofSeconds(60))
                .until(() -> callsTo(email), calls -> !calls.isEmpty()).get(0).field("xsmtpapi"))
                .get("sub").get("%url%").get(0).asString();

        // the delivery record names the trace of the sign-up
        TestHttp mailer = new TestHttp(stack.mailer.baseUrl());
        JsonNode delivery = await().atMost(Duration.ofSeconds(30)).until(() -> JSON.readTree(mailer.send(
                java.net.http.HttpRequest.newBuilder(mailer.uri("/api/deliveries?email=" + email))
                        .header("Authorization", "Bearer " + stack.mailer.operatorToken())).body()).get(0),
                d -> d != null && "SENT".equals(d.get("status").asString()));
        String signupTrace = delivery.get("traceId").asString();
        assertThat(signupTrace).matches("[0-9a-f]{32}");

        Map<String, String> query = query(link);
        await().atMost(Duration.ofSeconds(30)).until(() -> verification.send(java.net.http.HttpRequest
                .newBuilder(URI.create(link)).GET()).statusCode() != 404);
        assertThat(verification.postForm("/verify", Map.of("token", query.get("token"), "authcode",
                query.get("authcode"))).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(60)).until(() -> status(registration, id), "VERIFIED"::equals);

        // the sign-up's trace, from the request to the SendCloud call and the stored challenge
        List<String> expected = List.of("registration-service http post /api/registrations",
                "registration-service registration-events publish", "mailer-service registration-events receive",
                "mailer-service mailer deliver", "mailer-service mail send",
                "verification-service registration-events receive");
        List<String> signupSpans = await().atMost(Duration.ofSeconds(30))
                .until(() -> names(collector.spansOfTrace(signupTrace)), names -> names.containsAll(expected));
        assertThat(signupSpans).as("one trace across the three services").containsAll(expected);

        // the click: a trace of its own, linked to the sign-up's, carried by EmailVerified to registration-service
        OtlpReceiver.ReceivedSpan confirm = await().atMost(Duration.ofSeconds(30)).until(() -> collector.spans()
                .stream().filter(span -> span.name().equals("verification confirm")
                        && span.linkedTraceIds().contains(signupTrace)).findFirst(), java.util.Optional::isPresent)
                .get();
        assertThat(confirm.service()).isEqualTo("verification-service");
        String clickTrace = confirm.traceId();
        assertThat(clickTrace).isNotEqualTo(signupTrace);
        List<String> clickExpected = List.of("verification-service http post /verify",
                "verification-service verification-events publish", "registration-service verification-events receive");
        assertThat(await().atMost(Duration.ofSeconds(30)).until(() -> names(collector.spansOfTrace(clickTrace)),
                names -> names.containsAll(clickExpected))).containsAll(clickExpected);

        // and the log lines of that work name their trace
        assertThat(java.nio.file.Files.readAllLines(stack.registration.log())).as("registration-service's log")
                .anySatisfy(line -> assertThat(line).contains("Registered user " + id).contains(signupTrace))
                .anySatisfy(line -> assertThat(line).contains("User " + id + " verified").contains(clickTrace));
        assertThat(java.nio.file.Files.readAllLines(stack.verification.log())).as("verification-service's log")
                .anySatisfy(line -> assertThat(line).contains("Stored challenge of user " + id).contains(signupTrace));
    }

    /** "service span-name" of each span, to compare as text. */
    private static List<String> names(List<OtlpReceiver.ReceivedSpan> spans) {
        return spans.stream().map(span -> span.service() + " " + span.name()).toList();
    }

    private static List<SendCloudStandIn.Call> callsTo(String email) {
        return sendCloud.calls().stream().filter(c -> c.field("xsmtpapi") != null && c.field("xsmtpapi").contains(email)).toList();
    }

    private static String status(TestHttp registration, long id) {
        return JSON.readTree(registration.get("/api/registrations/" + id).body()).get("status").asString();
    }

    private static Map<String, String> query(String link) {
        Map<String, String> params = new HashMap<>();
        for (String pair : URI.create(link).getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            params.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return params;
    }
}
