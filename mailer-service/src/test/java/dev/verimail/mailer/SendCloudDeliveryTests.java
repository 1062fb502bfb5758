package dev.verimail.mailer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.verimail.events.Topics;
import dev.verimail.events.registration.RegistrationEvent;
import dev.verimail.events.registration.SignupAttempted;
import dev.verimail.events.registration.UserRegistered;
import dev.verimail.events.registration.VerificationReissued;
import dev.verimail.mailer.SendCloudStandIn.Call;
import dev.verimail.mailer.SendCloudStandIn.Reply;
import dev.verimail.messaging.SecretFreeDeadLetters;
import dev.verimail.outbox.CloudEventRecords;
import dev.verimail.testbed.SealedChallenges;
import dev.verimail.testbed.ServiceTest;
import dev.verimail.testbed.TestHttp;
import dev.verimail.testbed.TopicReader;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The mailer against a real HTTP server standing in for SendCloud, the real database and a real broker. Quick
 * retries and re-drive run on a short schedule here; each test uses addresses of its own.
 */
@ServiceTest(properties = {
        "mailer.transport=sendcloud",
        "sendcloud.allow-http=true",
        "sendcloud.api-user=verimail-test",
        "sendcloud.api-key=" + SendCloudDeliveryTests.API_KEY,
        "sendcloud.template=verimail_verify",
        "sendcloud.notice-template=verimail_notice",
        // a Chinese verification template, no Chinese notice template (that one falls back to verimail_notice)
        "sendcloud.template-zh-cn=verimail_verify_zh",
        "sendcloud.change-notice.template=verimail_change",
        "sendcloud.from=no-reply@verimail.dev",
        "sendcloud.from-name=Verimail",
        "sendcloud.subject=Please verify your email",
        "sendcloud.timeout=PT1S",
        "sendcloud.connect-timeout=PT1S",
        "mailer.verification-url=https://verimail.example/verify",
        "mailer.retry.max-attempts=3",
        "mailer.retry.initial-interval=PT0.05S",
        "mailer.retry.max-interval=PT0.2S",
        "mailer.redrive.interval=PT0.2S",
        "mailer.redrive.initial-delay=PT0.3S",
        "mailer.redrive.max-delay=PT0.6S",
        "mailer.redrive.lease=PT10S",
        "mailer.send.concurrency=" + SendCloudDeliveryTests.CONCURRENCY })
@ExtendWith(OutputCaptureExtension.class)
class SendCloudDeliveryTests {

    static final String API_KEY = "KEY-d41d8cd98f00b204e9800998ecf8427e";
    static final int CONCURRENCY = 16;
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

    @Autowired
    org.springframework.core.env.Environment environment;

    @Value("${spring.kafka.bootstrap-servers}")
    String bootstrapServers;

    @Autowired
    org.springframework.jdbc.core.JdbcTemplate db;

    TestHttp http;
    DeliveryRecords records;
    Events events;

    @BeforeEach
    void setUp() {
        http = TestHttp.localhost(port);
        records = new DeliveryRecords(http);
        events = new Events(bootstrapServers);
    }

    @AfterEach
    void tearDown() {
        events.close();
    }

    @Test
    void sendsOneEmailWithTheTemplateFieldsAndRecordsSendCloudsEmailId() {
        UserRegistered event = Events.registered(Events.newUserId(), "Ada Lovelace", "ada@example.com", "tok-ada",
                "SECRET-AUTH-ada");

        events.publish(event);
        JsonNode delivery = records.awaitStatus(event, "SENT");

        List<Call> calls = sendCloud.calls("ada@example.com");
        assertThat(calls).hasSize(1);
        Call call = calls.get(0);
        assertThat(call.form()).containsEntry("apiUser", "verimail-test").containsEntry("apiKey", API_KEY)
                .containsEntry("from", "no-reply@verimail.dev").containsEntry("fromName", "Verimail")
                .containsEntry("templateInvokeName", "verimail_verify")
                .containsEntry("subject", "Please verify your email").containsEntry("respEmailId", "true");
        assertThat(call.xsmtpapi().path("to").size()).isOne();
        assertThat(call.to()).isEqualTo("ada@example.com");
        assertThat(call.name()).isEqualTo("Ada Lovelace");
        assertThat(call.url()).isEqualTo("https://verimail.example/verify?token=tok-ada&authcode=SECRET-AUTH-ada");
        assertThat(call.xsmtpapi().path("sub").path("%code%").get(0).asString())
                .as("an event without a code: the variable is there, empty").isEmpty();

        assertThat(delivery.get("attempts").asInt()).isOne();
        assertThat(delivery.get("messageId").asString()).startsWith("sc-").endsWith("ada@example.com");
        assertThat(delivery.get("eventType").asString()).isEqualTo("UserRegistered");
        assertThat(delivery.get("userId").asLong()).isEqualTo(event.userId());
        assertThat(Instant.parse(delivery.get("sentAt").asString())).isAfterOrEqualTo(
                Instant.parse(delivery.get("createdAt").asString()));
        assertThat(delivery.get("nextAttemptAt").isNull()).isTrue();
        assertThat(delivery.toString()).doesNotContain("SECRET-AUTH").doesNotContain("tok-ada");

        String metrics = TestHttp.management(environment).get("/actuator/prometheus").body();
        assertThat(metrics).contains("mailer_emails_sent_total").contains("mailer_send_latency_seconds")
                .contains("mailer_event_to_send_seconds");
        assertThat(TestHttp.management(environment).get("/actuator/health").statusCode()).isEqualTo(200);
    }

    @Test
    void theCodeBesideTheLinkIsTheTemplatesCodeVariableAndIsClearedWithTheLink() {
        UserRegistered event = Events.registered(Events.newUserId(), "Code User", "code.user@example.com", "tok-code",
                "SECRET-AUTH-code");

        events.publishWithCode(event, "042917");
        JsonNode delivery = records.awaitStatus(event, "SENT");

        Call call = sendCloud.calls("code.user@example.com").get(0);
        assertThat(call.xsmtpapi().path("sub").path("%code%").size()).isOne();
        assertThat(call.xsmtpapi().path("sub").path("%code%").get(0).asString()).isEqualTo("042917");
        assertThat(call.url()).isEqualTo("https://verimail.example/verify?token=tok-code&authcode=SECRET-AUTH-code");
        assertThat(delivery.toString()).doesNotContain("042917");
        assertThat(db.queryForObject("SELECT COUNT(*) FROM delivery WHERE event_id = ? AND sealed_code IS NULL "
                + "AND token IS NULL", Integer.class, event.eventId().toString())).as("gone with the link").isOne();
    }

    @Test
    void aSignupAttemptSendsExactlyOneNoticeWithTheRegisteredNameAndNoLink() {
        long user = Events.newUserId();
        SignupAttempted attempt = Events.signupAttempted(user, "Grace Hopper", "grace@example.com");
        UserRegistered marker = Events.registered(user, "Grace Hopper", "grace-marker@example.com", "tok-grace",
                "SECRET-AUTH-grace");

        events.publish(attempt);
        events.publish(attempt);
        events.publish(marker);
        records.awaitStatus(marker, "SENT");
        await().atMost(WAIT).until(() -> records.of("grace@example.com").stream()
                .anyMatch(d -> "SENT".equals(d.get("status").asString())));

        List<Call> calls = sendCloud.calls("grace@example.com");
        assertThat(calls).as("one notice, whatever the redeliveries").hasSize(1);
        Call call = calls.get(0);
        assertThat(call.form()).containsEntry("templateInvokeName", "verimail_notice")
                .containsEntry("apiUser", "verimail-test").containsEntry("from", "no-reply@verimail.dev")
                .doesNotContainKey("subject");
        assertThat(call.name()).isEqualTo("Grace Hopper");
        assertThat(call.xsmtpapi().path("sub").propertyNames()).containsExactly("%name%");
        List<JsonNode> notices = records.of("grace@example.com");
        assertThat(notices).hasSize(1);
        JsonNode notice = notices.get(0);
        assertThat(notice.get("eventId").asString()).isEqualTo(attempt.eventId().toString());
        assertThat(notice.get("eventType").asString()).isEqualTo("SignupAttempted");
        assertThat(notice.get("attempts").asInt()).isOne();
        assertThat(Instant.parse(notice.get("expiresAt").asString()))
                .isEqualTo(attempt.occurredAt().plus(Duration.ofHours(24)).truncatedTo(java.time.temporal.ChronoUnit.MICROS));
        assertThat(sendCloud.calls("grace-marker@example.com")).as("the user's verification email is unaffected")
                .hasSize(1);
    }

    @Test
    void anAddressChangeSendsTheLinkToTheNewAddressAndANoticeToTheOldOneOnce() {
        long user = Events.newUserId();
        var change = Events.changeRequested(user, "Grace Hopper", "grace.new@example.org", "grace.old@example.com",
                "tok-change-" + user, "SECRET-AUTH-change");

        events.publish(change);
        events.publish(change);
        records.awaitStatus(change, "SENT");
        await().atMost(WAIT).until(() -> records.of("grace.old@example.com").stream()
                .anyMatch(d -> "SENT".equals(d.get("status").asString())));

        List<Call> links = sendCloud.calls("grace.new@example.org");
        assertThat(links).as("one verification email, whatever the redeliveries").hasSize(1);
        assertThat(links.get(0).form()).containsEntry("templateInvokeName", "verimail_verify");
        assertThat(links.get(0).url()).contains("token=tok-change-" + user).contains("authcode=SECRET-AUTH-change");
        List<Call> notices = sendCloud.calls("grace.old@example.com");
        assertThat(notices).as("one notice, whatever the redeliveries").hasSize(1);
        Call notice = notices.get(0);
        assertThat(notice.form()).containsEntry("templateInvokeName", "verimail_change").doesNotContainKey("subject");
        assertThat(notice.name()).isEqualTo("Grace Hopper");
        assertThat(notice.xsmtpapi().path("sub").propertyNames()).containsExactlyInAnyOrder("%name%", "%email%");
        assertThat(notice.xsmtpapi().path("sub").path("%email%").get(0).asString()).isEqualTo("g***@example.org");
        assertThat(notice.form().toString()).doesNotContain("SECRET-AUTH").doesNotContain("tok-change");
        JsonNode delivery = records.of("grace.old@example.com").get(0);
        assertThat(delivery.get("eventType").asString()).isEqualTo("EmailChangeNotice");
    }

    @Test
    void aCancelledChangesUnsentEmailIsNotSent() {
        long user = Events.newUserId();
        String email = "cancelled.change@example.org";
        Reply[] down = new Reply[40];
        java.util.Arrays.fill(down, Reply.http(503));
        sendCloud.script(email, down);
        var change = Events.changeRequested(user, "Ada", email, "ada.stays@example.com", "tok-cancel-" + user,
                "SECRET-AUTH-cancel");
        events.publish(change);
        records.awaitStatus(change, "RETRYING");

        events.publish(new dev.verimail.events.registration.EmailChangeCancelled(java.util.UUID.randomUUID(),
                Instant.now(), user, email, change.token()));

        JsonNode moot = records.awaitStatus(change, "FAILED");
        assertThat(moot.get("failureReason").asString()).isEqualTo("SUPERSEDED");
        assertThat(moot.get("lastError").asString()).contains("cancelled");
        assertThat(records.of("ada.stays@example.com")).as("the notice to the current address is its own delivery")
                .hasSize(1);
    }

    @Test
    void aFailingNoticeIsRetriedLikeAVerificationEmail() {
        String email = "notice-retry@example.com";
        sendCloud.script(email, Reply.http(503), Reply.http(503));
        SignupAttempted attempt = Events.signupAttempted(Events.newUserId(), "Retry Me", email);

        events.publish(attempt);
        await().atMost(WAIT).until(() -> records.of(email).stream()
                .anyMatch(d -> "SENT".equals(d.get("status").asString())));

        assertThat(sendCloud.calls(email)).hasSize(3);
        assertThat(records.of(email).get(0).get("attempts").asInt()).isEqualTo(3);
    }

    @Test
    void withSendCloudTheInboxDoesNotExist() {
        assertThat(http.get("/inbox").statusCode()).isEqualTo(404);
        assertThat(http.get("/api/inbox?to=a@example.com").statusCode()).isEqualTo(404);
    }

    @ParameterizedTest
    @ValueSource(ints = { 40005, 40806 })
    void aPermanentSendCloudErrorIsNotRetriedAndFailsTheDeliveryWithItsCode(int code) {
        String email = "permanent-" + code + "@example.com";
        sendCloud.script(email, Reply.error(code, "refused"));
        UserRegistered event = Events.registered(Events.newUserId(), "Perm", email, "tok-" + code, "SECRET-AUTH-p" + code);

        events.publish(event);
        JsonNode delivery = records.awaitStatus(event, "FAILED");

        assertThat(delivery.get("sendCloudCode").asInt()).isEqualTo(code);
        assertThat(delivery.get("failureReason").asString()).isEqualTo("PERMANENT");
        assertThat(delivery.get("lastError").asString()).contains(Integer.toString(code)).contains("refused");
        assertThat(delivery.get("attempts").asInt()).isOne();
        await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(5))
                .until(() -> sendCloud.calls(email).size() == 1);
        assertThat(TestHttp.management(environment).get("/actuator/prometheus").body())
                .containsPattern("mailer_emails_failed_total\\{[^}]*code=\"" + code + "\"");
    }

    @Test
    void sendsConcurrentlyAcrossAndWithinPartitionsButNeverMoreThanTheConfiguredLimit() {
        int count = 60;
        sendCloud.whenever(c -> c.to().startsWith("bulk-"), Reply.ok("bulk").after(Duration.ofMillis(300)));
        List<UserRegistered> bulk = new java.util.ArrayList<>();
        long user = Events.newUserId();
        for (int i = 0; i < count; i++) {
            // two users only: sending one at a time per partition would never get past two calls at once
            bulk.add(Events.registered(user + (i % 2) * 1_000_000_000L, "bulk-" + i + "@example.com",
                    Instant.now().plus(Duration.ofHours(1))));
        }
        sendCloud.resetMaxInFlight();

        bulk.forEach(events::publish);
        await().atMost(WAIT).until(() -> sendCloud.calls(c -> c.to().startsWith("bulk-")).size() == count);
        bulk.forEach(e -> records.awaitStatus(e, "SENT"));

        assertThat(sendCloud.maxInFlight()).isGreaterThan(4).isLessThanOrEqualTo(CONCURRENCY);
        bulk.forEach(e -> assertThat(sendCloud.calls(e.email())).hasSize(1));
    }

    @Test
    void http503TwiceThenSuccessIsSentAfterThreeCalls() {
        String email = "flaky@example.com";
        sendCloud.script(email, Reply.http(503), Reply.http(503));
        UserRegistered event = Events.registered(Events.newUserId(), email, Instant.now().plus(Duration.ofHours(1)));

        events.publish(event);
        JsonNode delivery = records.awaitStatus(event, "SENT");

        assertThat(sendCloud.calls(email)).hasSize(3);
        assertThat(delivery.get("attempts").asInt()).isEqualTo(3);
        assertThat(delivery.get("lastError").asString()).contains("HTTP 503");
    }

    @Test
    void aReadTimeoutIsRetried() {
        String email = "slow@example.com";
        sendCloud.script(email, Reply.ok("too-late").after(Duration.ofMillis(1_800)));
        UserRegistered event = Events.registered(Events.newUserId(), email, Instant.now().plus(Duration.ofHours(1)));

        events.publish(event);
        JsonNode delivery = records.awaitStatus(event, "SENT");

        assertThat(sendCloud.calls(email)).hasSize(2);
        assertThat(delivery.get("messageId").asString()).isNotEqualTo("too-late");
        assertThat(delivery.get("attempts").asInt()).isEqualTo(2);
    }

    @Test
    void resultFalseWithAnUnknownCodeIsRetried() {
        String email = "unknown-code@example.com";
        sendCloud.script(email, Reply.error(59999, "something new"), Reply.error(40901, "busy"));
        UserRegistered event = Events.registered(Events.newUserId(), email, Instant.now().plus(Duration.ofHours(1)));

        events.publish(event);
        records.awaitStatus(event, "SENT");

        assertThat(sendCloud.calls(email)).hasSize(3);
    }

    @Test
    void theSameEventDeliveredTwiceCallsSendCloudOnce() {
        long user = Events.newUserId();
        String email = "twice@example.com";
        UserRegistered event = Events.registered(user, email, Instant.now().plus(Duration.ofHours(1)));

        events.publish(event);
        records.awaitStatus(event, "SENT");
        events.publish(event);
        events.publish(event);
        UserRegistered marker = Events.registered(user, "twice-marker@example.com", Instant.now().plus(Duration.ofHours(1)));
        events.publish(marker);
        records.awaitStatus(marker, "SENT");

        assertThat(sendCloud.calls(email)).hasSize(1);
        assertThat(records.of(email)).hasSize(1);
    }

    @Test
    void aNameWithPercentAmpersandQuotesAndNonLatinLettersReachesSendCloudIntact() {
        String name = "Zoë \"Q\" O'Brien & 100% %url% <b>李小龍</b> Ωμέγα Владимир";
        String email = "intact@example.com";
        UserRegistered event = Events.registered(Events.newUserId(), name, email, "t+k/1=", "SECRET-AUTH-a&b=c%d");

        events.publish(event);
        records.awaitStatus(event, "SENT");

        Call call = sendCloud.calls(email).get(0);
        assertThat(call.name()).isEqualTo(name);
        assertThat(call.url()).isEqualTo(
                "https://verimail.example/verify?token=t%2Bk%2F1%3D&authcode=SECRET-AUTH-a%26b%3Dc%25d");
    }

    @Test
    void aDeliveryThatOutlastsTheQuickRetriesIsRetryingThenSentWhenSendCloudRecovers() {
        String email = "outage@example.com";
        Runnable recover = sendCloud.whenever(c -> c.to().equals(email), Reply.http(503));
        UserRegistered event = Events.registered(Events.newUserId(), email, Instant.now().plus(Duration.ofHours(1)));

        events.publish(event);
        JsonNode retrying = records.awaitStatus(event, "RETRYING");
        assertThat(retrying.get("attempts").asInt()).isGreaterThanOrEqualTo(3);
        assertThat(retrying.get("nextAttemptAt").isNull()).isFalse();
        assertThat(retrying.get("lastError").asString()).contains("HTTP 503");
        await().atMost(WAIT).until(() -> sendCloud.calls(email).size() >= 5);

        recover.run();
        JsonNode sent = records.awaitStatus(event, "SENT");

        assertThat(sent.get("attempts").asInt()).isEqualTo(sendCloud.calls(email).size());
        assertThat(sendCloud.calls(c -> c.to().equals(email) && c.succeeded())).hasSize(1);
        assertThat(TestHttp.management(environment).get("/actuator/prometheus").body()).containsPattern("mailer_emails_retried_total\\{[^}]*stage=\"scheduled\"");
    }

    @Test
    void aDeliveryStillFailingWhenItsLinkExpiresFailsAsExpiredAndIsNotTriedAgain() {
        String email = "expiring@example.com";
        sendCloud.whenever(c -> c.to().equals(email), Reply.http(503));
        UserRegistered event = Events.registered(Events.newUserId(), email, Instant.now().plus(Duration.ofSeconds(3)));

        events.publish(event);
        JsonNode failed = records.awaitStatus(event, "FAILED");

        assertThat(failed.get("failureReason").asString()).isEqualTo("EXPIRED");
        int calls = sendCloud.calls(email).size();
        assertThat(calls).isGreaterThanOrEqualTo(3);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                .until(() -> sendCloud.calls(email).size() == calls);
    }

    @Test
    void anEventWhoseLinkHasAlreadyExpiredIsNotSent() {
        String email = "already-expired@example.com";
        UserRegistered event = Events.registered(Events.newUserId(), email, Instant.now().minusSeconds(1));

        events.publish(event);
        JsonNode failed = records.awaitStatus(event, "FAILED");

        assertThat(failed.get("failureReason").asString()).isEqualTo("EXPIRED");
        assertThat(sendCloud.calls(email)).isEmpty();
    }

    @Test
    void aReissueMakesAnEarlierUnsentDeliveryOfTheUserMoot() {
        long user = Events.newUserId();
        String email = "reissue@example.com";
        Runnable recover = sendCloud.whenever(c -> c.url().contains("token=tok-first"), Reply.http(503));
        UserRegistered first = Events.registered(user, "Re Issue", email, "tok-first", "SECRET-AUTH-first");
        events.publish(first);
        records.awaitStatus(first, "RETRYING");

        VerificationReissued second = Events.reissued(user, "Re Issue", email, "tok-second", "SECRET-AUTH-second");
        events.publish(second);
        records.awaitStatus(second, "SENT");
        JsonNode moot = records.awaitStatus(first, "FAILED");
        assertThat(moot.get("failureReason").asString()).isEqualTo("SUPERSEDED");

        recover.run();
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                .until(() -> sendCloud.calls(c -> c.url().contains("token=tok-first") && c.succeeded()).isEmpty());
        assertThat(records.of(first).get("status").asString()).isEqualTo("FAILED");
        assertThat(sendCloud.calls(c -> c.url().contains("token=tok-second"))).hasSize(1);
    }

    @Test
    void aMalformedRecordGoesToTheDeadLetterTopicAndTheNextRecordIsStillSent() {
        long user = Events.newUserId();
        events.publishRaw(Long.toString(user), "{this is not json");
        events.publishRaw(Long.toString(user), "{\"type\":\"UserRegistered\",\"eventId\":\"not-a-uuid\",\"userId\":1}");
        events.publishRaw(CloudEventRecords.of(Topics.REGISTRATION_EVENTS, Long.toString(user),
                UUID.randomUUID().toString(), "verimail.registration.EmailChanged.v1", Events.SOURCE, Instant.now(),
                "{\"type\":\"EmailChanged\",\"eventId\":\"" + UUID.randomUUID() + "\"}"));
        UserRegistered good = Events.registered(user, "after-poison@example.com", Instant.now().plus(Duration.ofHours(1)));
        events.publish(good);

        records.awaitStatus(good, "SENT");
        try (TopicReader dlt = TopicReader.fromBeginning(bootstrapServers, Topics.REGISTRATION_EVENTS + ".DLT")) {
            List<ConsumerRecord<String, String>> parked = dlt.await(r -> r.key().equals(Long.toString(user)), 3, WAIT);
            assertThat(parked).extracting(ConsumerRecord::value).containsExactlyInAnyOrder(null,
                    "{\"type\":\"UserRegistered\",\"eventId\":\"not-a-uuid\",\"userId\":1}",
                    "{\"type\":\"EmailChanged\",\"eventId\":\"" + JSON.readTree(parked.stream()
                            .filter(r -> r.value() != null && r.value().contains("EmailChanged")).findFirst()
                            .orElseThrow().value()).get("eventId").asString() + "\"}");
            assertThat(parked).allSatisfy(r -> {
                assertThat(TopicReader.header(r, "kafka_dlt-exception-message")).isNotBlank();
                assertThat(TopicReader.header(r, "kafka_dlt-original-topic")).isEqualTo(Topics.REGISTRATION_EVENTS);
            });
            ConsumerRecord<String, String> notJson = parked.stream().filter(r -> r.value() == null).findFirst().orElseThrow();
            assertThat(TopicReader.header(notJson, SecretFreeDeadLetters.REDACTED))
                    .as("a value nobody can read is not copied: it could hold anything").isEqualTo("value-dropped");
            assertThat(parked.stream().filter(r -> r.value() != null && r.value().contains("EmailChanged")).findFirst()
                    .map(r -> TopicReader.header(r, "kafka_dlt-exception-message")))
                    .hasValueSatisfying(m -> assertThat(m).contains("ce_type 'verimail.registration.EmailChanged.v1'"));
        }
    }

    @Test
    void aCodeSealedForAnotherChallengeIsADeadLetterNotAnEmail() {
        long user = Events.newUserId();
        UserRegistered event = Events.registered(user, "Bad Code", "bad.code@example.com", "tok-bad-code",
                "SECRET-AUTH-bad-code");
        UserRegistered v2 = (UserRegistered) SealedChallenges.v2(event);
        String otherContext = dev.verimail.events.secret.SecretBox.codeContext(user, "tok-another");
        events.publishAsIs(v2.withCode(SealedChallenges.BOX.seal("123456", otherContext), "h".repeat(43)));

        try (TopicReader dlt = TopicReader.fromBeginning(bootstrapServers, Topics.REGISTRATION_EVENTS + ".DLT")) {
            List<ConsumerRecord<String, String>> parked = dlt.await(r -> r.key().equals(Long.toString(user)), 1, WAIT);
            assertThat(TopicReader.header(parked.get(0), "kafka_dlt-exception-message"))
                    .contains("sealedCode does not open");
        }
        assertThat(sendCloud.calls("bad.code@example.com")).isEmpty();
        assertThat(records.of(event)).isNull();
    }

    @Test
    void onlyRegistrationServicesRecordsAreSentAndADeadLetterKeepsNoAuthcodeInClear() {
        long user = Events.newUserId();
        UserRegistered forged = Events.registered(user, "Forged", "forged@example.com", "tok-forged", "SECRET-AUTH-forged");
        events.publishWithSource(SealedChallenges.v2(forged), "/somebody/else");
        UserRegistered unsealed = Events.registered(user, "Unsealed", "unsealed@example.com", "tok-unsealed",
                "SECRET-AUTH-unsealed");
        UserRegistered v2 = (UserRegistered) SealedChallenges.v2(unsealed);
        // sealed for another challenge: does not open with this user and token
        events.publishAsIs(UserRegistered.v2(v2.eventId(), v2.occurredAt(), v2.userId(), v2.name(), v2.email(),
                "tok-other", v2.expiresAt(), v2.authcodeHash(), v2.sealedAuthcode()));
        // a v1 record (authcode in clear) that is unreadable: no email address
        events.publishAsIs(new UserRegistered(UUID.randomUUID(), Instant.now(), user, "No Email", " ", "tok-v1",
                "SECRET-AUTH-in-dlt", Instant.now().plus(Duration.ofHours(1))));
        UserRegistered good = Events.registered(user, "after-forged@example.com", Instant.now().plus(Duration.ofHours(1)));
        events.publish(good);

        records.awaitStatus(good, "SENT");
        try (TopicReader dlt = TopicReader.fromBeginning(bootstrapServers, Topics.REGISTRATION_EVENTS + ".DLT")) {
            List<ConsumerRecord<String, String>> parked = dlt.await(r -> r.key().equals(Long.toString(user)), 3, WAIT);
            assertThat(parked).extracting(r -> TopicReader.header(r, "kafka_dlt-exception-message"))
                    .anySatisfy(m -> assertThat(m).contains("ce_source '/somebody/else' is not /verimail/registration-service"))
                    .anySatisfy(m -> assertThat(m).contains("sealedAuthcode does not open"))
                    .anySatisfy(m -> assertThat(m).contains("without"));
            assertThat(parked).extracting(ConsumerRecord::value).allSatisfy(v -> assertThat(v).doesNotContain("SECRET-AUTH-"));
            assertThat(parked).filteredOn(r -> r.value().contains("tok-v1")).singleElement()
                    .satisfies(r -> assertThat(TopicReader.header(r, SecretFreeDeadLetters.REDACTED)).isEqualTo("authcode-removed"));
        }
        assertThat(sendCloud.calls("forged@example.com")).isEmpty();
        assertThat(sendCloud.calls("unsealed@example.com")).isEmpty();
        assertThat(records.of(forged)).isNull();
    }

    @Test
    void aV1ChallengeIsStillSentAndNoDeliveryKeepsAnAuthcodeInClear() {
        UserRegistered v1 = Events.registered(Events.newUserId(), "Old Producer", "v1@example.com", "tok-v1-sent",
                "SECRET-AUTH-v1");
        UserRegistered v2 = Events.registered(Events.newUserId(), "New Producer", "v2@example.com", "tok-v2-sent",
                "SECRET-AUTH-v2");
        sendCloud.script("v1@example.com", Reply.http(503), Reply.http(503), Reply.http(503));

        events.publishAsIs(v1);
        events.publish(v2);
        records.awaitStatus(v2, "SENT");
        await().atMost(WAIT).until(() -> !sendCloud.calls("v1@example.com").isEmpty());

        assertThat(sendCloud.calls("v2@example.com").get(0).url()).contains("authcode=SECRET-AUTH-v2");
        String stored = db.queryForObject("SELECT authcode FROM delivery WHERE event_id = ?", String.class,
                v1.eventId().toString());
        assertThat(stored).as("sealed by the mailer itself").doesNotContain("SECRET-AUTH").matches("1:[A-Za-z0-9_-]+");
        assertThat(db.queryForObject("SELECT COUNT(*) FROM delivery WHERE authcode LIKE '%SECRET-AUTH%'",
                Integer.class)).isZero();
        records.awaitStatus(v1, "SENT");
        assertThat(sendCloud.calls("v1@example.com")).filteredOn(Call::succeeded).singleElement()
                .satisfies(c -> assertThat(c.url()).contains("authcode=SECRET-AUTH-v1"));
    }

    @Test
    void neitherTheApiKeyNorTheAuthcodeAppearInTheLogs(CapturedOutput output) {
        String email = "secrets@example.com";
        sendCloud.script(email, Reply.http(503), Reply.http(500));
        UserRegistered sent = Events.registered(Events.newUserId(), "Secret", email, "tok-s", "SECRET-AUTH-logged");
        String refusedEmail = "secrets-refused@example.com";
        sendCloud.script(refusedEmail, Reply.error(40005, "apiKey " + API_KEY + " is wrong"));
        UserRegistered refused = Events.registered(Events.newUserId(), "Secret", refusedEmail, "tok-r", "SECRET-AUTH-refused");
        events.publish(sent);
        events.publish(refused);
        events.publishRaw("1", "{\"type\":\"UserRegistered\",\"authcode\":\"SECRET-AUTH-poison\",\"eventId\":\"zzz\"}");

        records.awaitStatus(sent, "SENT");
        JsonNode failed = records.awaitStatus(refused, "FAILED");

        assertThat(failed.get("lastError").asString()).contains("40005").doesNotContain(API_KEY);
        assertThat(output.getAll()).contains("Mail transport: SendCloud (region cn) at " + sendCloud.baseUrl())
                .contains("Delivery " + refused.eventId() + " failed for good")
                .contains("Unreadable record")
                .doesNotContain(API_KEY)
                .doesNotContain("SECRET-AUTH-");
    }

    @Test
    void aChineseEventUsesTheChineseTemplateAndFallsBackToTheDefaultWhereThereIsNone() {
        long user = Events.newUserId();
        UserRegistered chinese = Events.registered(user, "韩梅梅", "meimei@example.com", "tok-meimei",
                "SECRET-AUTH-meimei").withLocale("zh-CN");
        SignupAttempted notice = new SignupAttempted(java.util.UUID.randomUUID(), java.time.Instant.now(),
                Events.newUserId(), "meimei-owner@example.com", "韩梅梅", "zh-CN");
        UserRegistered english = Events.registered(Events.newUserId(), "Ann", "ann-en@example.com", "tok-ann",
                "SECRET-AUTH-ann");

        events.publish(chinese);
        events.publish(notice);
        events.publish(english);
        records.awaitStatus(chinese, "SENT");
        records.awaitStatus(english, "SENT");
        await().atMost(WAIT).until(() -> !sendCloud.calls("meimei-owner@example.com").isEmpty());

        Call zh = sendCloud.calls("meimei@example.com").get(0);
        assertThat(zh.form()).containsEntry("templateInvokeName", "verimail_verify_zh")
                // SENDCLOUD_SUBJECT is English: the Chinese template keeps its own subject
                .doesNotContainKey("subject");
        assertThat(zh.xsmtpapi().path("sub").path("%name%").get(0).asString()).isEqualTo("韩梅梅");
        assertThat(sendCloud.calls("meimei-owner@example.com").get(0).form())
                .containsEntry("templateInvokeName", "verimail_notice");
        assertThat(sendCloud.calls("ann-en@example.com").get(0).form())
                .containsEntry("templateInvokeName", "verimail_verify")
                .containsEntry("subject", "Please verify your email");
    }
}
