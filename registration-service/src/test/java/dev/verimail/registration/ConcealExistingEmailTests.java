package dev.verimail.registration;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.verimail.events.Topics;
import dev.verimail.events.registration.RegistrationExpired;
import dev.verimail.events.registration.RegistrationTopicEvent;
import dev.verimail.events.registration.SignupAttempted;
import dev.verimail.events.registration.UserRegistered;
import dev.verimail.events.verification.EmailUndeliverable;
import dev.verimail.outbox.EventJson;
import dev.verimail.registration.user.Registrations;
import dev.verimail.testbed.EventSchemaAssert;
import dev.verimail.testbed.ServiceTest;
import dev.verimail.testbed.TestHttp;
import dev.verimail.testbed.TopicReader;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code REGISTRATION_EXISTING_EMAIL=conceal}: a sign-up with a taken address gets the same 202 as a new one (same
 * fields, an id that leads nowhere), the owner is told by a {@code SignupAttempted} carrying the owner's own name
 * (never the stranger's), and the per-address limit counts those notices. An address whose user is UNDELIVERABLE is
 * not taken: its sign-up is a real one, answered alike.
 */
@ServiceTest(properties = { "registration.existing-email=conceal", "registration.limits.per-email=3/24h" })
class ConcealExistingEmailTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Value("${spring.kafka.bootstrap-servers}")
    String bootstrapServers;

    @Autowired
    Registrations registrations;

    @Test
    void aTakenAddressAnswersLikeANewOneAndItsOwnerIsTold() {
        TestHttp http = TestHttp.localhost(port);
        HttpResponse<String> first = http.postJson("/api/registrations", "{\"name\":\"Owner\",\"email\":\"owned@example.com\"}");
        HttpResponse<String> again = http.postJson("/api/registrations",
                "{\"name\":\"Visit evil.example now\",\"email\":\"OWNED@example.com\"}");

        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(again.statusCode()).isEqualTo(202);
        JsonNode real = JSON.readTree(first.body());
        JsonNode concealed = JSON.readTree(again.body());
        assertThat(concealed.propertyNames()).containsExactlyInAnyOrderElementsOf(real.propertyNames());
        assertThat(concealed.get("status").asString()).isEqualTo("PENDING");
        assertThat(concealed.get("id").asLong()).isNotEqualTo(real.get("id").asLong());
        assertThat(again.headers().firstValue("Location").orElseThrow()).endsWith("/" + concealed.get("id").asLong());
        assertThat(http.get("/api/registrations/" + concealed.get("id").asLong()).statusCode()).isEqualTo(404);

        try (TopicReader reader = TopicReader.fromBeginning(bootstrapServers, Topics.REGISTRATION_EVENTS)) {
            List<ConsumerRecord<String, String>> notices = reader.await(
                    r -> SignupAttempted.CLOUD_EVENT_TYPE.equals(TopicReader.header(r, "ce_type"))
                            && r.value().contains("owned@example.com"), 1, Duration.ofSeconds(30));
            ConsumerRecord<String, String> notice = notices.get(0);
            EventSchemaAssert.assertMatchesSchema("SignupAttempted", notice.value());
            JsonNode event = JSON.readTree(notice.value());
            assertThat(notice.key()).isEqualTo(Long.toString(real.get("id").asLong()));
            assertThat(event.get("userId").asLong()).isEqualTo(real.get("id").asLong());
            assertThat(event.get("email").asString()).isEqualTo("owned@example.com");
            assertThat(event.get("name").asString()).isEqualTo("Owner");
            assertThat(notice.value()).doesNotContain("evil.example");
        }
    }

    @Test
    void anUndeliverableUsersAddressSignsUpAsANewOneWithoutANoticeToTheOldUser() {
        TestHttp http = TestHttp.localhost(port);
        HttpResponse<String> first = http.postJson("/api/registrations",
                "{\"name\":\"Typo\",\"email\":\"unreachable@example.com\"}");
        long stale = JSON.readTree(first.body()).get("id").asLong();
        try (TopicReader reader = TopicReader.fromBeginning(bootstrapServers, Topics.REGISTRATION_EVENTS)) {
            ConsumerRecord<String, String> registered = reader.await(r -> r.key().equals(Long.toString(stale)), 1,
                    Duration.ofSeconds(30)).get(0);
            UUID link = ((UserRegistered) EventJson.read(registered.value(), RegistrationTopicEvent.class)).eventId();
            assertThat(registrations.applyAll(List.of(new EmailUndeliverable(UUID.randomUUID(), Instant.now(), stale,
                    "unreachable@example.com", link, EmailUndeliverable.Reason.INVALID, "invalid", 406)), Map.of()))
                    .isOne();

            HttpResponse<String> again = http.postJson("/api/registrations",
                    "{\"name\":\"Fixed\",\"email\":\"unreachable@example.com\"}");

            assertThat(again.statusCode()).isEqualTo(202);
            JsonNode replaced = JSON.readTree(again.body());
            assertThat(replaced.propertyNames()).containsExactlyInAnyOrderElementsOf(
                    JSON.readTree(first.body()).propertyNames());
            long id = replaced.get("id").asLong();
            assertThat(id).isNotEqualTo(stale);
            assertThat(JSON.readTree(http.get("/api/registrations/" + id).body()).get("status").asString())
                    .as("a real sign-up, as for a new address").isEqualTo("PENDING");
            assertThat(http.get("/api/registrations/" + stale).statusCode()).isEqualTo(404);
            List<ConsumerRecord<String, String>> forStale = reader.await(r -> r.key().equals(Long.toString(stale))
                    && RegistrationExpired.CLOUD_EVENT_TYPE.equals(TopicReader.header(r, "ce_type")), 1,
                    Duration.ofSeconds(30));
            assertThat(forStale).hasSize(1);
            reader.await(r -> r.key().equals(Long.toString(id)), 1, Duration.ofSeconds(30));
            assertThat(reader.seen()).as("no SignupAttempted: the address had no owner to tell")
                    .noneMatch(r -> SignupAttempted.CLOUD_EVENT_TYPE.equals(TopicReader.header(r, "ce_type"))
                            && r.value().contains("unreachable@example.com"));
        }
    }

    @Test
    void noticesCountAgainstTheAddressLimitAndTheFormAnswersAlike() {
        TestHttp http = TestHttp.localhost(port);
        assertThat(http.postForm("/register", Map.of("name", "Lim", "email", "limited@example.com")).statusCode()).isEqualTo(302);
        assertThat(http.postForm("/register", Map.of("name", "X", "email", "limited@example.com")).statusCode())
                .as("the form redirects to check-email as for a new address").isEqualTo(302);
        assertThat(http.postJson("/api/registrations", "{\"name\":\"X\",\"email\":\"limited@example.com\"}").statusCode())
                .isEqualTo(202);
        HttpResponse<String> fourth = http.postJson("/api/registrations", "{\"name\":\"X\",\"email\":\"limited@example.com\"}");

        assertThat(fourth.statusCode()).isEqualTo(429);
        assertThat(JSON.readTree(fourth.body()).get("code").asString()).isEqualTo("rate-limited");
    }
}
