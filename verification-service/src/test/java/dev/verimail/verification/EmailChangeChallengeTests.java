package dev.verimail.verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.verimail.events.Topics;
import dev.verimail.events.registration.EmailChangeCancelled;
import dev.verimail.events.registration.EmailChangeRequested;
import dev.verimail.events.registration.UserRegistered;
import dev.verimail.events.secret.AuthcodeDigest;
import dev.verimail.events.secret.SecretBox;
import dev.verimail.events.verification.EmailVerified;
import dev.verimail.events.verification.VerificationEvent;
import dev.verimail.outbox.EventJson;
import dev.verimail.testbed.EventSchemaAssert;
import dev.verimail.testbed.SealedChallenges;
import dev.verimail.testbed.ServiceTest;
import dev.verimail.testbed.TestHttp;
import dev.verimail.testbed.TopicReader;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * An address change's challenge ({@code EmailChangeRequested}, published here as registration-service does) for a
 * user who verified already: its link verifies the user anew and announces {@code EmailVerified} for the new
 * address, while the user's old link keeps answering "already verified"; a cancelled change's link
 * ({@code EmailChangeCancelled}) answers "not valid", an expired one "expired".
 */
@ServiceTest
class EmailChangeChallengeTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Value("${spring.kafka.bootstrap-servers}")
    String bootstrapServers;

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
    void aChangeOfAVerifiedUserVerifiesAnewAndAnnouncesTheNewAddress() {
        UserRegistered registered = TestEvents.registered("before.change@example.com");
        events.publish(registered);
        db.awaitChallenge(registered.token());
        assertThat(verify(registered.token(), registered.authcode()).statusCode()).isEqualTo(200);
        String authcode = TestEvents.secret(32);
        EmailChangeRequested change = change(registered.userId(), "after.change@example.com",
                "before.change@example.com", authcode, TestEvents.now(), TestEvents.now().plus(1, ChronoUnit.HOURS));

        events.publish(change);
        db.awaitChallenge(change.token());
        HttpResponse<String> confirmed = verify(change.token(), authcode);

        assertThat(confirmed.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(confirmed.body());
        assertThat(body.get("email").asString()).isEqualTo("after.change@example.com");
        assertThat(body.get("userId").asLong()).isEqualTo(registered.userId());
        try (TopicReader reader = TopicReader.fromBeginning(bootstrapServers, Topics.VERIFICATION_EVENTS)) {
            List<ConsumerRecord<String, String>> announced = reader.await(r -> r.key().equals(registered.key()), 2,
                    Duration.ofSeconds(30));
            EmailVerified last = (EmailVerified) EventJson.read(announced.get(1).value(), VerificationEvent.class);
            EventSchemaAssert.assertMatchesSchema(EmailVerified.TYPE, announced.get(1).value());
            assertThat(last.email()).isEqualTo("after.change@example.com");
            assertThat(last.verifiedAt()).isEqualTo(Instant.parse(body.get("verifiedAt").asString()));
        }

        HttpResponse<String> oldLink = verify(registered.token(), registered.authcode());
        assertThat(oldLink.statusCode()).as("the old link: already verified").isEqualTo(200);
        assertThat(JSON.readTree(oldLink.body())).isEqualTo(body);
        HttpResponse<String> again = verify(change.token(), authcode);
        assertThat(JSON.readTree(again.body())).as("the change's link again: already verified, same answer")
                .isEqualTo(body);
        assertThat(db.verifiedChallenges(registered.userId())).isEqualTo(2);
    }

    @Test
    void aCancelledChangeAnswersNotValidAndAnExpiredOneExpired() {
        UserRegistered registered = TestEvents.registered("cancel.owner@example.com");
        events.publish(registered);
        db.awaitChallenge(registered.token());
        assertThat(verify(registered.token(), registered.authcode()).statusCode()).isEqualTo(200);
        Instant now = TestEvents.now();
        String authcode = TestEvents.secret(32);
        EmailChangeRequested change = change(registered.userId(), "cancelled.new@example.com",
                "cancel.owner@example.com", authcode, now, now.plus(1, ChronoUnit.HOURS));
        String expiredAuthcode = TestEvents.secret(32);
        EmailChangeRequested expired = change(registered.userId(), "late.new@example.com",
                "cancel.owner@example.com", expiredAuthcode, now.plusMillis(5), now.minusSeconds(1));

        events.publish(change);
        events.publish(new EmailChangeCancelled(UUID.randomUUID(), now, registered.userId(),
                "cancelled.new@example.com", change.token()));
        // the newest challenge of the user, already past its expiry (as a change nobody confirmed in time)
        events.publish(expired);
        db.awaitChallenge(change.token());
        db.awaitChallenge(expired.token());
        await().atMost(Duration.ofSeconds(30)).until(() -> db.count(
                "SELECT COUNT(*) FROM challenge WHERE token = ? AND superseded_at IS NOT NULL", change.token()) == 1);

        assertProblem(verify(change.token(), authcode), 404, "link-not-valid");
        assertProblem(verify(expired.token(), expiredAuthcode), 410, "link-expired");
        assertThat(db.verifiedChallenges(registered.userId())).isEqualTo(1);
        HttpResponse<String> oldLink = verify(registered.token(), registered.authcode());
        assertThat(oldLink.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(oldLink.body()).get("email").asString()).as("still the old address")
                .isEqualTo("cancel.owner@example.com");
    }

    /** As registration-service's ChallengeIssuer builds it: the authcode hashed and sealed. */
    private static EmailChangeRequested change(long userId, String email, String previousEmail, String authcode,
            Instant occurredAt, Instant expiresAt) {
        String token = TestEvents.TOKENS.issue(expiresAt);
        return new EmailChangeRequested(UUID.randomUUID(), occurredAt, userId, "Test User", email, previousEmail,
                token, expiresAt, AuthcodeDigest.of(authcode),
                SealedChallenges.BOX.seal(authcode, SecretBox.authcodeContext(userId, token)), null, null, null);
    }

    private HttpResponse<String> verify(String token, String authcode) {
        ObjectNode body = JSON.createObjectNode().put("token", token).put("authcode", authcode);
        return http.postJson("/api/verifications", body.toString());
    }

    private static void assertProblem(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(JSON.readTree(response.body()).get("code").asString()).isEqualTo(code);
    }
}
