package dev.verimail.registration.config;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Settings of registration-service ({@code registration.*}; in the environment {@code REGISTRATION_*}, e.g.
 * {@code REGISTRATION_VERIFICATION_TTL=PT2H}).
 *
 * @param verificationTtl how long a verification link works
 * @param resendCooldown  at most one new link per address in this period
 * @param maxRequestBody  larger request bodies are refused with 413
 * @param topics          Kafka topics
 */
@ConfigurationProperties("registration")
public record RegistrationProperties(
        @DefaultValue("PT24H") Duration verificationTtl,
        @DefaultValue("PT60S") Duration resendCooldown,
        @DefaultValue("16KB") DataSize maxRequestBody,
        @DefaultValue Topics topics) {

    public RegistrationProperties {
        if (verificationTtl.isNegative() || verificationTtl.isZero()) {
            throw new IllegalArgumentException("registration.verification-ttl must be positive, was " + verificationTtl);
        }
    }

    /**
     * @param registrationEvents where {@code UserRegistered} and {@code VerificationReissued} go
     * @param verificationEvents where {@code EmailVerified} comes from
     * @param partitions         partitions of the topics this service creates if missing
     */
    public record Topics(
            @DefaultValue(dev.verimail.events.Topics.REGISTRATION_EVENTS) String registrationEvents,
            @DefaultValue(dev.verimail.events.Topics.VERIFICATION_EVENTS) String verificationEvents,
            @DefaultValue("6") int partitions) {
    }
}
