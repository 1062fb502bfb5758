package dev.verimail.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

import dev.verimail.events.registration.RegistrationEvent;
import dev.verimail.events.registration.RegistrationExpired;
import dev.verimail.events.registration.RegistrationTopicEvent;
import dev.verimail.events.registration.SignupAttempted;
import dev.verimail.events.registration.UserRegistered;
import dev.verimail.events.registration.VerificationReissued;
import dev.verimail.events.verification.EmailVerified;
import dev.verimail.events.verification.VerificationEvent;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class EventContractTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private static final Instant NOW = Instant.parse("2026-11-24T10:15:30.123Z");

    static List<Event> events() {
        return List.of(
                new UserRegistered(UUID.randomUUID(), NOW, 42, "Zoë \"Z\" O'Brien", "zoe@example.com",
                        "tGmI3v8yXbEwqQ0o7Lq0Cw", "Wm0sQ1Qy3nB0eXJ2M2xqZw", NOW.plus(24, ChronoUnit.HOURS)),
                new VerificationReissued(UUID.randomUUID(), NOW, 42, "李小龍", "lee@example.com",
                        "u3s0dQy6AvBc6Wm7kq6oZg", "pM2M6b0c8a6ZQk5m1o9x3A", NOW.plus(24, ChronoUnit.HOURS)),
                new EmailVerified(UUID.randomUUID(), NOW, 42, "zoe@example.com", NOW),
                new RegistrationExpired(UUID.randomUUID(), NOW, 42, "zoe@example.com"),
                new SignupAttempted(UUID.randomUUID(), NOW, 42, "zoe@example.com", "Zoë \"Z\" O'Brien"));
    }

    @Test
    void aChallengeReaderSkipsSignupAttemptedAsAnUnknownTypeAndTheTopicReaderReadsIt() {
        SignupAttempted attempt = new SignupAttempted(UUID.randomUUID(), NOW, 42, "zoe@example.com", "Zoë");
        String json = JSON.writeValueAsString(attempt);

        assertThat(JSON.readValue(json, RegistrationTopicEvent.class)).isEqualTo(attempt);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> JSON.readValue(json, RegistrationEvent.class))
                .isInstanceOf(tools.jackson.databind.exc.InvalidTypeIdException.class);
        assertThat(JSON.readTree(json).has("token")).as("no secret, no link").isFalse();
        assertThat(JSON.readTree(json).has("authcode")).isFalse();
    }

    @Test
    void schemaRejectsASignupAttemptedWithoutTheRegisteredName() {
        ObjectNode json = (ObjectNode) JSON.readTree(JSON.writeValueAsString(events().get(4)));
        json.remove("name");

        assertThat(schemaOf("SignupAttempted").validate(json.toString(), InputFormat.JSON)).isNotEmpty();
    }

    @Test
    void aChallengeReaderSkipsRegistrationExpiredAsAnUnknownTypeAndTheTopicReaderReadsAll() {
        String json = JSON.writeValueAsString(new RegistrationExpired(UUID.randomUUID(), NOW, 42, "zoe@example.com"));
        assertThat(JSON.readValue(json, RegistrationTopicEvent.class)).isInstanceOf(RegistrationExpired.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> JSON.readValue(json, RegistrationEvent.class))
                .isInstanceOf(tools.jackson.databind.exc.InvalidTypeIdException.class);
        String registered = JSON.writeValueAsString(events().get(0));
        assertThat(JSON.readValue(registered, RegistrationTopicEvent.class)).isInstanceOf(UserRegistered.class);
        assertThat(JSON.readValue(registered, RegistrationEvent.class)).isInstanceOf(UserRegistered.class);
    }

    @ParameterizedTest
    @MethodSource("events")
    void serialisesToJsonItsSchemaAccepts(Event event) {
        String json = JSON.writeValueAsString(event);
        String type = JSON.readTree(json).get("type").asString();

        assertThat(type).isEqualTo(event.getClass().getSimpleName());
        assertThat(schemaOf(type).validate(json, InputFormat.JSON)).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("events")
    void writesTimesAsUtcIsoInstantsAndTheUserIdAsANumber(Event event) {
        JsonNode json = JSON.readTree(JSON.writeValueAsString(event));

        assertThat(json.get("occurredAt").asString()).isEqualTo("2026-11-24T10:15:30.123Z");
        assertThat(json.get("userId").isIntegralNumber()).isTrue();
        assertThat(json.has("key")).as("derived accessors stay out of the JSON").isFalse();
        assertThat(json.has("cloudEventType")).isFalse();
    }

    @ParameterizedTest
    @MethodSource("events")
    void readsBackEqual(Event event) {
        String json = JSON.writeValueAsString(event);
        Class<?> family = event instanceof RegistrationTopicEvent ? RegistrationTopicEvent.class : VerificationEvent.class;

        assertThat(JSON.readValue(json, family)).isEqualTo(event);
    }

    @ParameterizedTest
    @MethodSource("events")
    void readerIgnoresFieldsAddedByANewerProducer(Event event) {
        ObjectNode json = (ObjectNode) JSON.readTree(JSON.writeValueAsString(event));
        json.put("campaign", "winter-2026");
        json.putObject("nested").put("anything", 1);
        Class<?> family = event instanceof RegistrationTopicEvent ? RegistrationTopicEvent.class : VerificationEvent.class;

        assertThat(JSON.readValue(JSON.writeValueAsString(json), family)).isEqualTo(event);
        assertThat(schemaOf(event.getClass().getSimpleName()).validate(json.toString(), InputFormat.JSON))
                .as("the schema allows optional additions").isEmpty();
    }

    @Test
    void schemaRejectsAnEventWithoutItsSecretOrWithAShortToken() {
        ObjectNode json = (ObjectNode) JSON.readTree(JSON.writeValueAsString(events().get(0)));
        json.remove("authcode");
        json.put("token", "short");

        List<Error> errors = schemaOf("UserRegistered").validate(json.toString(), InputFormat.JSON);

        assertThat(errors).extracting(e -> e.getInstanceLocation() + ": " + e.getMessage())
                .anySatisfy(m -> assertThat(m).contains("authcode"))
                .anySatisfy(m -> assertThat(m).contains("token"));
    }

    @Test
    void schemaRejectsAnEmailVerifiedWithoutVerifiedAt() {
        ObjectNode json = (ObjectNode) JSON.readTree(JSON.writeValueAsString(events().get(2)));
        json.remove("verifiedAt");

        assertThat(schemaOf("EmailVerified").validate(json.toString(), InputFormat.JSON)).isNotEmpty();
    }

    @Test
    void keyIsTheUserIdAsADecimalString() {
        assertThat(events().get(0).key()).isEqualTo("42");
    }

    @Test
    void toStringNeverShowsTheAuthcode() {
        UserRegistered event = (UserRegistered) events().get(0);

        assertThat(event.toString()).doesNotContain(event.authcode()).contains(event.token());
    }

    private static Schema schemaOf(String type) {
        return SCHEMAS.getSchema(EventSchemas.open(type));
    }
}
