package dev.verimail.verification;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.verimail.events.Topics;
import dev.verimail.events.registration.SignupAttempted;
import dev.verimail.events.registration.UserRegistered;
import dev.verimail.messaging.SecretFreeDeadLetters;
import dev.verimail.outbox.CloudEventRecords;
import dev.verimail.outbox.EventJson;
import dev.verimail.testbed.SealedChallenges;
import dev.verimail.testbed.ServiceTest;
import dev.verimail.testbed.TestHttp;
import dev.verimail.testbed.TopicReader;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** What the listener on {@code registration-events} does with duplicates, bad records, and secrets. */
@ServiceTest
@ExtendWith(OutputCaptureExtension.class)
class ChallengeEventTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Value("${spring.kafka.bootstrap-servers}")
    String bootstrapServers;

    @Value("${verimail.test.database}")
    String database;

    TestHttp http;
    TestEvents events;
    TestDb db;

    @BeforeEach
    void setUp() {
        http = TestHttp.localhost(port);
        events = new TestEvents(bootstrapServers);
        db = new TestDb(jdbc);
    }

    @AfterEach
    void tearDown() {
        events.close();
    }

    @Test
    void theSameEventDeliveredTwiceStoresOneChallenge() {
        UserRegistered event = TestEvents.registered("twice@example.com");
        UserRegistered marker = TestEvents.registered("marker@example.com");

        events.publish(event);
        events.publish(event);
        events.publish(new UserRegistered(marker.eventId(), marker.occurredAt(), event.userId(), marker.name(),
                marker.email(), marker.token(), marker.authcode(), marker.expiresAt()));
        db.awaitChallenge(marker.token());

        assertThat(db.count("SELECT COUNT(*) FROM challenge WHERE event_id = ?", event.eventId().toString())).isOne();
        assertThat(db.count("SELECT COUNT(*) FROM challenge WHERE user_id = ?", event.userId())).isEqualTo(2);
        assertThat(db.count("SELECT COUNT(*) FROM user_verification WHERE user_id = ?", event.userId())).isOne();
    }

    @Test
    void aPoisonRecordGoesToTheDeadLetterTopicAndTheNextEventIsStillApplied() {
        long userId = TestEvents.newUserId();
        String key = Long.toString(userId);
        ObjectNode withoutToken = (ObjectNode) JSON.readTree(EventJson.write(TestEvents.registered("poison@example.com")));
        withoutToken.remove("token");
        events.publishRaw(key, "{this is not json");
        events.publishRaw(key, withoutToken.toString());
        String emailChanged = "{\"type\":\"EmailChanged\",\"eventId\":\"" + UUID.randomUUID() + "\",\"userId\":" + userId + "}";
        events.send(CloudEventRecords.of(Topics.REGISTRATION_EVENTS, key, UUID.randomUUID().toString(),
                "verimail.registration.EmailChanged.v1", TestEvents.SOURCE, TestEvents.now(), emailChanged));
        UserRegistered next = TestEvents.registered(userId, "N", "next@example.com", TestEvents.now(),
                TestEvents.now().plusSeconds(3600));
        events.publish(next);

        db.awaitChallenge(next.token());
        try (TopicReader dlt = TopicReader.fromBeginning(bootstrapServers, Topics.REGISTRATION_EVENTS + ".DLT")) {
            List<ConsumerRecord<String, String>> parked = dlt.await(r -> r.key().equals(key), 3, Duration.ofSeconds(30));
            ObjectNode withoutSecret = withoutToken.deepCopy();
            withoutSecret.remove("authcode");
            assertThat(parked).extracting(ConsumerRecord::value).containsExactlyInAnyOrder(null,
                    JSON.writeValueAsString(withoutSecret), emailChanged);
            assertThat(parked).allSatisfy(r -> {
                assertThat(TopicReader.header(r, "kafka_dlt-exception-message")).isNotBlank();
                assertThat(TopicReader.header(r, "kafka_dlt-original-topic")).isEqualTo(Topics.REGISTRATION_EVENTS);
            });
            assertThat(parked).extracting(r -> TopicReader.header(r, SecretFreeDeadLetters.REDACTED))
                    .as("the value nobody can read is dropped, the v1 authcode removed")
                    .containsExactlyInAnyOrder("value-dropped", "authcode-removed", null);
            assertThat(parked).extracting(r -> TopicReader.header(r, "kafka_dlt-exception-message"))
                    .as("an event type this version does not read is dead-lettered with the reason")
                    .anySatisfy(m -> assertThat(m).contains("ce_type 'verimail.registration.EmailChanged.v1' is not one"));
        }
    }

    @Test
    void onlyRegistrationServicesChallengesAreStoredAndAV1ChallengeStillIs() {
        long userId = TestEvents.newUserId();
        String key = Long.toString(userId);
        UserRegistered forged = TestEvents.registered(userId, "F", "forged@example.com", TestEvents.now(),
                TestEvents.now().plusSeconds(3600));
        UserRegistered noSource = TestEvents.registered(userId, "F", "nosource@example.com", TestEvents.now(),
                TestEvents.now().plusSeconds(3600));
        UserRegistered v1 = TestEvents.registered(userId, "Old", "v1@example.com", TestEvents.now(),
                TestEvents.now().plusSeconds(3600));
        UserRegistered v1AsV2 = TestEvents.registered(userId, "F", "v1-as-v2@example.com", TestEvents.now(),
                TestEvents.now().plusSeconds(3600));

        events.publishWithSource(SealedChallenges.v2(forged), "/verimail/mailer-service");
        events.send(new org.apache.kafka.clients.producer.ProducerRecord<>(Topics.REGISTRATION_EVENTS, key,
                EventJson.write(SealedChallenges.v2(noSource))));
        events.send(CloudEventRecords.of(Topics.REGISTRATION_EVENTS, key, v1AsV2.eventId().toString(),
                UserRegistered.CLOUD_EVENT_TYPE, TestEvents.SOURCE, TestEvents.now(), EventJson.write(v1AsV2)));
        events.publishAsIs(v1);

        db.awaitChallenge(v1.token());
        assertThat(db.count("SELECT COUNT(*) FROM challenge WHERE user_id = ?", userId))
                .as("only the v1 challenge from registration-service").isOne();
        HttpResponse<String> verified = http.postJson("/api/verifications",
                "{\"token\":\"" + v1.token() + "\",\"authcode\":\"" + v1.authcode() + "\"}");
        assertThat(verified.statusCode()).isEqualTo(200);
        try (TopicReader dlt = TopicReader.fromBeginning(bootstrapServers, Topics.REGISTRATION_EVENTS + ".DLT")) {
            List<ConsumerRecord<String, String>> parked = dlt.await(r -> r.key().equals(key), 3, Duration.ofSeconds(30));
            assertThat(parked).extracting(r -> TopicReader.header(r, "kafka_dlt-exception-message"))
                    .anySatisfy(m -> assertThat(m).contains("ce_source '/verimail/mailer-service' is not /verimail/registration-service"))
                    .anySatisfy(m -> assertThat(m).contains("ce_source (missing)"))
                    .anySatisfy(m -> assertThat(m).contains("ce_type verimail.registration.UserRegistered.v2 but the value is a verimail.registration.UserRegistered.v1"));
            assertThat(parked).extracting(ConsumerRecord::value).allSatisfy(v -> assertThat(v)
                    .doesNotContain(v1AsV2.authcode()).doesNotContain(forged.authcode()));
        }
    }

    @Test
    void aSignupAttemptedIsAcknowledgedAndSkippedNotDeadLetteredAndTheNextEventIsApplied() {
        long userId = TestEvents.newUserId();
        String key = Long.toString(userId);
        SignupAttempted attempt = new SignupAttempted(UUID.randomUUID(), TestEvents.now(), userId,
                "attempted@example.com", "Registered Name");
        UserRegistered next = TestEvents.registered(userId, "N", "after-attempt@example.com", TestEvents.now(),
                TestEvents.now().plusSeconds(3600));

        events.publish(attempt);
        events.publish(next);

        db.awaitChallenge(next.token());
        assertThat(db.count("SELECT COUNT(*) FROM challenge WHERE user_id = ?", userId))
                .as("only the challenge: the attempt changes nothing here").isOne();
        try (TopicReader dlt = TopicReader.fromBeginning(bootstrapServers, Topics.REGISTRATION_EVENTS + ".DLT")) {
            assertThat(dlt.readFor(Duration.ofSeconds(2), r -> r.key().equals(key))).as("not dead-lettered").isEmpty();
        }
    }

    @Test
    void theAuthcodeIsNeitherStoredInClearNorLogged(CapturedOutput output) throws Exception {
        UserRegistered event = TestEvents.registered("secret@example.com");
        events.publish(event);
        db.awaitChallenge(event.token());
        ObjectNode poison = (ObjectNode) JSON.readTree(EventJson.write(TestEvents.registered("secret@example.com")));
        poison.put("authcode", event.authcode()).put("userId", "not-a-number");
        events.publishRaw(event.key(), poison.toString());
        ObjectNode badToken = (ObjectNode) JSON.readTree(EventJson.write(event));
        badToken.put("eventId", UUID.randomUUID().toString()).put("token", "x y");
        events.publishRaw(event.key(), badToken.toString());
        UserRegistered marker = TestEvents.registered("after@example.com");
        events.publish(marker);
        db.awaitChallenge(marker.token());

        http.get("/verify?token=" + event.token() + "&authcode=" + event.authcode());
        http.postForm("/verify", Map.of("token", event.token(), "authcode", event.authcode() + "x"));
        HttpResponse<String> verified = http.postForm("/verify",
                Map.of("token", event.token(), "authcode", event.authcode()));
        assertThat(verified.body()).contains("Your email is confirmed");
        http.postJson("/api/verifications", "{\"token\":\"" + event.token() + "\",\"authcode\":\"" + event.authcode() + "\"}");

        assertThat(everyValueInTheDatabase()).isNotEmpty()
                .anySatisfy(v -> assertThat(v).contains(event.token()))
                .noneSatisfy(v -> assertThat(v).contains(event.authcode()));
        assertThat(output.getAll()).contains("Stored challenge of user " + event.userId())
                .doesNotContain(event.authcode());
    }

    /** Every column of every row of every table of the service's database, as text and as hex. */
    private List<String> everyValueInTheDatabase() {
        List<String> tables = jdbc.queryForList(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = ?", String.class, database);
        assertThat(tables).contains("challenge", "user_verification", "outbox_event", "flyway_schema_history");
        return tables.stream().flatMap(table -> jdbc.query("SELECT * FROM " + table, (rs, i) -> {
            StringBuilder row = new StringBuilder();
            for (int c = 1; c <= rs.getMetaData().getColumnCount(); c++) {
                Object value = rs.getObject(c);
                if (value instanceof byte[] bytes) {
                    row.append(new String(bytes, StandardCharsets.UTF_8)).append('|')
                            .append(new String(bytes, StandardCharsets.ISO_8859_1)).append('|')
                            .append(HexFormat.of().formatHex(bytes)).append('|');
                }
                else {
                    row.append(value).append('|');
                }
            }
            return row.toString();
        }).stream()).toList();
    }
}
