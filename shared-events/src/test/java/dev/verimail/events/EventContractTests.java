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
import dev.verimail.events.secret.AuthcodeDigest;
import dev.verimail.events.secret.SecretBox;
import dev.verimail.events.registration.RegistrationExpired;
import dev.verimail.events.registration.RegistrationTopicEvent;
import dev.verimail.events.registration.SignupAttempted;
import dev.verimail.events.registration.UserRegistered;
import dev.verimail.events.registration.VerificationReissued;
import dev.verimail.events.verification.EmailUndeliverable;
import dev.verimail.events.verification.EmailChanged;
import dev.verimail.events.registration.EmailChangeRequested;
import dev.verimail.events.registration.EmailChangeCancelled;
import dev.verimail.events.verification.EmailVerified;
import dev.verimail.events.verification.VerificationEvent;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class EventContractTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private static final SecretBox BOX = SecretBox.parse("7:" + java.util.Base64.getEncoder().encodeToString(new byte[32]));
    private static final Instant NOW = Instant.parse("2026-11-24T10:15:30.123Z");

    static List<Event> events() {
        return List.of(
                new UserRegistered(UUID.randomUUID(), NOW, 42, "Zoë \"Z\" O'Brien", "zoe@example.com",
                        "tGmI3v8yXbEwqQ0o7Lq0Cw", "Wm0sQ1Qy3nB0eXJ2M2xqZw", NOW.plus(24, ChronoUnit.HOURS)),
                new VerificationReissued(UUID.randomUUID(), NOW, 42, "李小龍", "lee@example.com",
                        "u3s0dQy6AvBc6Wm7kq6oZg", "pM2M6b0c8a6ZQk5m1o9x3A", NOW.plus(24, ChronoUnit.HOURS)),
                UserRegistered.v2(UUID.randomUUID(), NOW, 42, "Zoë", "zoe@example.com", "tGmI3v8yXbEwqQ0o7Lq0Cw",
                        NOW.plus(24, ChronoUnit.HOURS), AuthcodeDigest.of("Wm0sQ1Qy3nB0eXJ2M2xqZw"),
                        BOX.seal("Wm0sQ1Qy3nB0eXJ2M2xqZw", SecretBox.authcodeContext(42, "tGmI3v8yXbEwqQ0o7Lq0Cw"))),
                VerificationReissued.v2(UUID.randomUUID(), NOW, 42, "李小龍", "lee@example.com",
                        "u3s0dQy6AvBc6Wm7kq6oZg", NOW.plus(24, ChronoUnit.HOURS), AuthcodeDigest.of("pM2M6b0c8a6ZQk5m1o9x3A"),
                        BOX.seal("pM2M6b0c8a6ZQk5m1o9x3A", SecretBox.authcodeContext(42, "u3s0dQy6AvBc6Wm7kq6oZg"))),
                new EmailVerified(UUID.randomUUID(), NOW, 42, "zoe@example.com", NOW),
                new RegistrationExpired(UUID.randomUUID(), NOW, 42, "zoe@example.com"),
                new SignupAttempted(UUID.randomUUID(), NOW, 42, "zoe@example.com", "Zoë \"Z\" O'Brien"),
                new EmailUndeliverable(UUID.randomUUID(), NOW, 42, "zoe@example.con", UUID.randomUUID(),
                        EmailUndeliverable.Reason.INVALID, "invalid", 406),
                new EmailUndeliverable(UUID.randomUUID(), NOW, 42, "zoe@example.com", UUID.randomUUID(),
                        EmailUndeliverable.Reason.BOUNCED, "soft_bounce", null),
                UserRegistered.v2(UUID.randomUUID(), NOW, 42, "李小龍", "lee@example.com", "tGmI3v8yXbEwqQ0o7Lq0Cw",
                        NOW.plus(24, ChronoUnit.HOURS), AuthcodeDigest.of("Wm0sQ1Qy3nB0eXJ2M2xqZw"),
                        BOX.seal("Wm0sQ1Qy3nB0eXJ2M2xqZw", SecretBox.authcodeContext(42, "tGmI3v8yXbEwqQ0o7Lq0Cw")))
                        .withCode(BOX.seal("042917", SecretBox.codeContext(42, "tGmI3v8yXbEwqQ0o7Lq0Cw")),
                                AuthcodeDigest.of("not a real keyed hash, only its shape"))
                        .withLocale("zh-CN"),
                new EmailChangeRequested(UUID.randomUUID(), NOW, 42, "Zoë", "zoe.new@example.com", "zoe@example.com",
                        "tGmI3v8yXbEwqQ0o7Lq0Cw", NOW.plus(24, ChronoUnit.HOURS), AuthcodeDigest.of("Wm0sQ1Qy3nB0eXJ2M2xqZw"),
                        BOX.seal("Wm0sQ1Qy3nB0eXJ2M2xqZw", SecretBox.authcodeContext(42, "tGmI3v8yXbEwqQ0o7Lq0Cw")),
                        BOX.seal("042917", SecretBox.codeContext(42, "tGmI3v8yXbEwqQ0o7Lq0Cw")),
                        AuthcodeDigest.of("not a real keyed hash, only its shape"), "en"),
                new EmailChanged(UUID.randomUUID(), NOW, 42, "zoe@example.com", "zoe.new@example.com", NOW),
                new EmailChangeCancelled(UUID.randomUUID(), NOW, 42, "zoe.new@example.com", "tGmI3v8yXbEwqQ0o7Lq0Cw"));
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
    void aChallengeReaderSkipsEmailChangeCancelledAsAnUnknownTypeAndItCarriesNoSecret() {
        String json = JSON.writeValueAsString(
                new EmailChangeCancelled(UUID.randomUUID(), NOW, 42, "zoe.new@example.com", "tGmI3v8yXbEwqQ0o7Lq0Cw"));
        assertThat(JSON.readValue(json, RegistrationTopicEvent.class)).isInstanceOf(EmailChangeCancelled.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> JSON.readValue(json, RegistrationEvent.class))
                .isInstanceOf(tools.jackson.databind.exc.InvalidTypeIdException.class);
        assertThat(JSON.readTree(json).has("authcode")).isFalse();
        assertThat(JSON.readTree(json).has("authcodeHash")).isFalse();
    }

    @Test
    void schemaRejectsASignupAttemptedWithoutTheRegisteredName() {
        ObjectNode json = (ObjectNode) JSON.readTree(JSON.writeValueAsString(events().get(6)));
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
        assertThat(schemaFor(event).validate(json, InputFormat.JSON)).isEmpty();
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
        assertThat(schemaFor(event).validate(json.toString(), InputFormat.JSON))
                .as("the schema allows optional additions").isEmpty();
    }

    @Test
    void schemaRejectsAnEventWithoutItsSecretOrWithAShortToken() {
        ObjectNode json = (ObjectNode) JSON.readTree(JSON.writeValueAsString(events().get(0)));
        json.remove("authcode");
        json.put("token", "short");

        List<Error> errors = SCHEMAS.getSchema(EventSchemas.forCloudEventType(UserRegistered.CLOUD_EVENT_TYPE_V1))
                .validate(json.toString(), InputFormat.JSON);

        assertThat(errors).extracting(e -> e.getInstanceLocation() + ": " + e.getMessage())
                .anySatisfy(m -> assertThat(m).contains("authcode"))
                .anySatisfy(m -> assertThat(m).contains("token"));
    }

    @Test
    void aV2ChallengeCarriesNoAuthcodeInClearAndItsSchemaRefusesOne() {
        UserRegistered v2 = (UserRegistered) events().get(2);
        ObjectNode json = (ObjectNode) JSON.readTree(JSON.writeValueAsString(v2));

        assertThat(json.has("authcode")).isFalse();
        assertThat(v2.cloudEventType()).isEqualTo("verimail.registration.UserRegistered.v2");
        assertThat(v2.sealed()).isTrue();
        assertThat(JSON.writeValueAsString(v2)).doesNotContain("Wm0sQ1Qy3nB0eXJ2M2xqZw");
        assertThat(BOX.open(v2.sealedAuthcode(), SecretBox.authcodeContext(42, v2.token())))
                .isEqualTo("Wm0sQ1Qy3nB0eXJ2M2xqZw");

        json.put("authcode", "Wm0sQ1Qy3nB0eXJ2M2xqZw");
        assertThat(schemaOf("UserRegistered").validate(json.toString(), InputFormat.JSON)).isNotEmpty();
        json.remove("authcode");
        json.remove("sealedAuthcode");
        assertThat(schemaOf("UserRegistered").validate(json.toString(), InputFormat.JSON))
                .extracting(Error::getMessage).anySatisfy(m -> assertThat(m).contains("sealedAuthcode"));
    }

    @Test
    void aV1ChallengeKeepsItsType() {
        assertThat(events().get(0).cloudEventType()).isEqualTo(UserRegistered.CLOUD_EVENT_TYPE_V1);
        assertThat(events().get(1).cloudEventType()).isEqualTo(VerificationReissued.CLOUD_EVENT_TYPE_V1);
        assertThat(((RegistrationEvent) events().get(0)).sealed()).isFalse();
        assertThat(JSON.readTree(JSON.writeValueAsString(events().get(0))).has("sealedAuthcode")).isFalse();
    }

    @Test
    void schemaRejectsAnEmailVerifiedWithoutVerifiedAt() {
        ObjectNode json = (ObjectNode) JSON.readTree(JSON.writeValueAsString(events().get(4)));
        json.remove("verifiedAt");

        assertThat(schemaOf("EmailVerified").validate(json.toString(), InputFormat.JSON)).isNotEmpty();
    }

    @Test
    void schemaRejectsAnEmailUndeliverableWithoutItsReasonOrWithOneItDoesNotKnow() {
        ObjectNode json = (ObjectNode) JSON.readTree(JSON.writeValueAsString(events().get(7)));
        assertThat(json.get("providerCode").asInt()).isEqualTo(406);
        json.put("reason", "LOST");
        assertThat(schemaOf("EmailUndeliverable").validate(json.toString(), InputFormat.JSON)).isNotEmpty();
        json.remove("reason");
        assertThat(schemaOf("EmailUndeliverable").validate(json.toString(), InputFormat.JSON)).isNotEmpty();
        assertThat(events().get(7).cloudEventType()).isEqualTo("verimail.mailer.EmailUndeliverable.v1");
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

    private static Schema schemaFor(Event event) {
        return SCHEMAS.getSchema(EventSchemas.forCloudEventType(event.cloudEventType()));
    }

    private static Schema schemaOf(String type) {
        return SCHEMAS.getSchema(EventSchemas.open(type));
    }
}
