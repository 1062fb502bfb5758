package dev.verimail.events.registration;

import java.util.Set;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import dev.verimail.events.Event;

/**
 * Anything on {@code registration-events}: a challenge ({@link RegistrationEvent}: {@link UserRegistered} or
 * {@link VerificationReissued}), the end of a registration nobody verified ({@link RegistrationExpired}), or a
 * sign-up attempt with a registered address whose owner gets a notice ({@link SignupAttempted}), or a cancelled
 * address change ({@link EmailChangeCancelled}).
 * Consumers that only handle challenges read {@link RegistrationEvent} and skip the rest as unknown types.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = UserRegistered.class, name = UserRegistered.TYPE),
        @JsonSubTypes.Type(value = VerificationReissued.class, name = VerificationReissued.TYPE),
        @JsonSubTypes.Type(value = EmailChangeRequested.class, name = EmailChangeRequested.TYPE),
        @JsonSubTypes.Type(value = RegistrationExpired.class, name = RegistrationExpired.TYPE),
        @JsonSubTypes.Type(value = SignupAttempted.class, name = SignupAttempted.TYPE),
        @JsonSubTypes.Type(value = EmailChangeCancelled.class, name = EmailChangeCancelled.TYPE)
})
public sealed interface RegistrationTopicEvent extends Event permits RegistrationEvent, RegistrationExpired,
        SignupAttempted, EmailChangeCancelled {

    /** Every {@code ce_type} of {@code registration-events} this version reads. */
    Set<String> CLOUD_EVENT_TYPES = Set.of(UserRegistered.CLOUD_EVENT_TYPE, UserRegistered.CLOUD_EVENT_TYPE_V1,
            VerificationReissued.CLOUD_EVENT_TYPE, VerificationReissued.CLOUD_EVENT_TYPE_V1,
            EmailChangeRequested.CLOUD_EVENT_TYPE, RegistrationExpired.CLOUD_EVENT_TYPE, SignupAttempted.CLOUD_EVENT_TYPE,
            EmailChangeCancelled.CLOUD_EVENT_TYPE);
}
