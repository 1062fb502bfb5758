package dev.verimail.messaging;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code verimail.trust.*}: which producer each topic's consumers believe, and how long the topic that carries
 * challenges keeps them.
 *
 * @param registrationSource   the only {@code ce_source} accepted on {@code registration-events}
 *                             ({@code VERIMAIL_TRUST_REGISTRATION_SOURCE}): registration-service's
 *                             {@code verimail.outbox.source}
 * @param verificationSource   the only {@code ce_source} accepted for {@code EmailVerified} on {@code verification-events}
 *                             ({@code VERIMAIL_TRUST_VERIFICATION_SOURCE}): verification-service's
 * @param mailerSource         the only {@code ce_source} accepted for the mailer's {@code EmailUndeliverable} on
 *                             {@code verification-events} ({@code VERIMAIL_TRUST_MAILER_SOURCE}): mailer-service's
 *                             {@code verimail.outbox.source}
 * @param registrationRetention how long {@code registration-events} and its DLT keep records
 *                             ({@code VERIMAIL_TRUST_REGISTRATION_RETENTION}): about as long as a link lives; a record
 *                             older than its link is of no use to anyone but a thief
 */
@ConfigurationProperties("verimail.trust")
public record TrustProperties(
        @DefaultValue("/verimail/registration-service") String registrationSource,
        @DefaultValue("/verimail/verification-service") String verificationSource,
        @DefaultValue("/verimail/mailer-service") String mailerSource,
        @DefaultValue("24h") Duration registrationRetention) {

    public TrustProperties {
        if (registrationSource == null || registrationSource.isBlank() || verificationSource == null
                || verificationSource.isBlank() || mailerSource == null || mailerSource.isBlank()) {
            throw new IllegalArgumentException(
                    "verimail.trust.registration-source, verification-source and mailer-source must be set");
        }
        if (registrationRetention.compareTo(Duration.ofMinutes(10)) < 0) {
            throw new IllegalArgumentException("verimail.trust.registration-retention must be at least 10 minutes "
                    + "(and should be about the link lifetime, REGISTRATION_VERIFICATION_TTL)");
        }
    }
}
