package dev.verimail.registration;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.verimail.events.CloudEventHeaders;
import dev.verimail.events.Topics;
import dev.verimail.events.registration.RegistrationEvent;
import dev.verimail.events.registration.UserRegistered;
import dev.verimail.events.registration.VerificationReissued;
import dev.verimail.events.verification.EmailVerified;
import dev.verimail.outbox.EventJson;
import dev.verimail.outbox.OutboxRelay;
import dev.verimail.registration.user.Registrations;
import dev.verimail.testbed.SealedChallenges;
import dev.verimail.testbed.EventSchemaAssert;
import dev.verimail.testbed.ServiceTest;
import dev.verimail.testbed.TestHttp;
import dev.verimail.testbed.TopicReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * Resend: a new challenge for pending users, the same answer for everybody, and a cooldown per address.
 * The relay is off, so each test sees exactly which events were written; one test publishes them to check the wire.
 */
@ServiceTest(properties = "verimail.outbox.enabled=false")
class ResendTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate db;

    @Autowired
    OutboxRelay relay;

    @Autowired
    Registrations registrations;

    @Value("${spring.kafka.bootstrap-servers}")
    String bootstrapServers;

    TestHttp http;

    @BeforeEach
    void setUp() {
        http = TestHttp.localhost(port);
    }

    @Test
    void resendForAPendingUserIssuesANewChallengeAndPublishesVerificationReissued() {
        long id = register("pending@example.com");
        UserRegistered first = (UserRegistered) eventsOf(id).get(0);

        HttpResponse<String> response = http.postJson("/api/registrations/resend", "{\"email\":\" PENDING@example.com \"}");

        assertThat(response.statusCode()).isEqualTo(202);
        List<RegistrationEvent> events = eventsOf(id);
        assertThat(events).hasSize(2);
        VerificationReissued reissued = (VerificationReissued) events.get(1);
        assertThat(reissued.token()).isNotEqualTo(first.token());
        assertThat(SealedChallenges.authcode(reissued)).isNotEqualTo(SealedChallenges.authcode(first));
        assertThat(reissued.authcodeHash()).isNotEqualTo(first.authcodeHash());
        assertThat(reissued.occurredAt()).isAfterOrEqualTo(first.occurredAt());
        assertThat(reissued.expiresAt()).isAfter(Instant.now().plus(Duration.ofHours(23)));

        assertThat(relay.publishBatch()).isGreaterThanOrEqualTo(2);
        try (TopicReader reader = TopicReader.fromBeginning(bootstrapServers, Topics.REGISTRATION_EVENTS)) {
            ConsumerRecord<String, String> record = reader.await(r -> r.key().equals(Long.toString(id)) && r.value().contains("VerificationReissued"), 1,
                    Duration.ofSeconds(30)).get(0);
            EventSchemaAssert.assertMatchesSchema("VerificationReissued", record.value());
            assertThat(record.key()).isEqualTo(Long.toString(id));
            assertThat(TopicReader.header(record, CloudEventHeaders.TYPE)).isEqualTo("verimail.registration.VerificationReissued.v2");
        }
    }

    @Test
    void aSecondResendWithinTheCooldownIs429WithRetryAfter() {
        long id = register("hasty@example.com");
        assertThat(http.postJson("/api/registrations/resend", "{\"email\":\"hasty@example.com\"}").statusCode()).isEqualTo(202);

        HttpResponse<String> second = http.postJson("/api/registrations/resend", "{\"email\":\"HASTY@example.com\"}");

        assertThat(second.statusCode()).isEqualTo(429);
        int retryAfter = Integer.parseInt(second.headers().firstValue("Retry-After").orElseThrow());
        assertThat(retryAfter).isBetween(1, 60);
        assertThat(JSON.readTree(second.body()).get("code").asString()).isEqualTo("too-many-requests");
        assertThat(eventsOf(id)).hasSize(2);
    }

    @Test
    void unknownAddressesGetTheSameAnswerAndNothingIsPublished() {
        int events = countOutbox();

        HttpResponse<String> response = http.postJson("/api/registrations/resend", "{\"email\":\"nobody@example.com\"}");

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(response.body()).isEmpty();
        assertThat(countOutbox()).isEqualTo(events);
        assertThat(http.postJson("/api/registrations/resend", "{\"email\":\"nobody@example.com\"}").statusCode())
                .as("unknown addresses are throttled like known ones").isEqualTo(429);
    }

    @Test
    void verifiedUsersGetNoNewLink() {
        long id = register("done@example.com");
        registrations.markVerified(new EmailVerified(UUID.randomUUID(), Instant.now(), id, "done@example.com", Instant.now()));

        assertThat(http.postJson("/api/registrations/resend", "{\"email\":\"done@example.com\"}").statusCode()).isEqualTo(202);

        assertThat(eventsOf(id)).hasSize(1);
    }

    @Test
    void anInvalidAddressIs400() {
        HttpResponse<String> response = http.postJson("/api/registrations/resend", "{\"email\":\"not an email\"}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).get("code").asString()).isEqualTo("invalid-input");
    }

    @Test
    void theResendFormSaysCheckYourEmailThenPleaseWait() {
        long id = register("form-resend@example.com");

        HttpResponse<String> page = http.postForm("/register/resend", Map.of("email", "form-resend@example.com"));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Check your email", "form-resend@example.com");
        assertThat(eventsOf(id)).hasSize(2);

        HttpResponse<String> again = http.postForm("/register/resend", Map.of("email", "form-resend@example.com"));
        assertThat(again.statusCode()).isEqualTo(429);
        assertThat(again.body()).contains("Please wait a moment");
        assertThat(http.get("/register/resend?email=x%40example.com").body()).contains("Send a new link", "value=\"x@example.com\"");
    }

    private List<RegistrationEvent> eventsOf(long userId) {
        return db.queryForList("SELECT payload FROM outbox_event WHERE message_key = ? ORDER BY id", String.class,
                Long.toString(userId)).stream().map(json -> EventJson.read(json, RegistrationEvent.class)).toList();
    }

    private int countOutbox() {
        return db.queryForObject("SELECT COUNT(*) FROM outbox_event", Integer.class);
    }

    private long register(String email) {
        HttpResponse<String> response = http.postJson("/api/registrations", "{\"name\":\"R\",\"email\":\"" + email + "\"}");
        assertThat(response.statusCode()).isEqualTo(202);
        return JSON.readTree(response.body()).get("id").asLong();
    }
}
