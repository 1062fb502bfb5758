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
 * @param retention       scheduled clean-up of what is no longer needed
 */
@ConfigurationProperties("registration")
public record RegistrationProperties(
        @DefaultValue("PT24H") Duration verificationTtl,
        @DefaultValue("PT60S") Duration resendCooldown,
        @DefaultValue("16KB") DataSize maxRequestBody,
        @DefaultValue Topics topics,
        @DefaultValue Retention retention) {

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

    /**
     * @param interval     pause between two clean-up runs ({@code REGISTRATION_RETENTION_INTERVAL})
     * @param pendingUsers a PENDING user is deleted this long after their last link expired
     *                     ({@code REGISTRATION_RETENTION_PENDING_USERS})
     * @param batch        rows deleted per statement and transaction ({@code REGISTRATION_RETENTION_BATCH})
     */
    public record Retention(
            @DefaultValue("PT5M") Duration interval,
            @DefaultValue("P7D") Duration pendingUsers,
            @DefaultValue("500") int batch) {

        public Retention {
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("registration.retention.interval must be positive, was " + interval);
            }
            if (pendingUsers.isNegative()) {
                throw new IllegalArgumentException("registration.retention.pending-users must not be negative, was "
                        + pendingUsers);
            }
            if (batch < 1) {
                throw new IllegalArgumentException("registration.retention.batch must be at least 1, was " + batch);
            }
        }
    }
}
