package dev.verimail.events.verification;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The mail provider reported that a verification email cannot reach the address: SendCloud's {@code invalid}, or
 * {@code soft_bounce} repeated. Published by mailer-service on {@code verification-events}, once per delivery;
 * redeliveries carry the same {@code eventId}. Registration shows it on the sign-up ({@code UNDELIVERABLE}) so the
 * person can fix the address; a new sign-up or resend for the address is then allowed.
 *
 * @param eventId         unique per event
 * @param occurredAt      when the provider reported it (its timestamp), UTC
 * @param userId          the user the email was for
 * @param email           the address that cannot be reached
 * @param deliveryEventId the {@code eventId} of the {@code UserRegistered} or {@code VerificationReissued} whose email
 *                        bounced
 * @param reason          {@code INVALID} (the provider gave up on the address) or {@code BOUNCED} (soft bounces
 *                        repeated until the mailer counted it as undeliverable)
 * @param providerEvent   the provider's own event name, e.g. {@code invalid} or {@code soft_bounce}
 * @param providerCode    the provider's sub-status code when it gave one (SendCloud's {@code subStat}, e.g. 406
 *                        "address does not exist"), or null
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EmailUndeliverable(
        UUID eventId,
        Instant occurredAt,
        long userId,
        String email,
        UUID deliveryEventId,
        Reason reason,
        String providerEvent,
        Integer providerCode) implements VerificationEvent {

    public static final String TYPE = "EmailUndeliverable";
    public static final String CLOUD_EVENT_TYPE = "verimail.mailer.EmailUndeliverable.v1";

    public enum Reason {
        /** The provider reports the address invalid: it does not exist, or refuses mail for good. */
        INVALID,
        /** Temporary refusals repeated until the mailer stopped believing in them. */
        BOUNCED
    }

    @Override
    public String cloudEventType() {
        return CLOUD_EVENT_TYPE;
    }
}
