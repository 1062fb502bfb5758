package dev.verimail.registration.config;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

import dev.verimail.registration.limit.Limit;

/**
 * Settings of registration-service ({@code registration.*}; in the environment {@code REGISTRATION_*}, e.g.
 * {@code REGISTRATION_VERIFICATION_TTL=PT2H}).
 *
 * @param verificationTtl how long a verification link works
 * @param resendCooldown  at most one new link per address in this period
 * @param maxRequestBody  larger request bodies are refused with 413
 * @param topics          Kafka topics
 * @param retention       scheduled clean-up of what is no longer needed
 * @param limits          abuse limits (DESIGN.md, "Abuse limits")
 * @param existingEmail   what a sign-up with a taken address answers ({@code REGISTRATION_EXISTING_EMAIL})
 */
@ConfigurationProperties("registration")
public record RegistrationProperties(
        @DefaultValue("PT24H") Duration verificationTtl,
        @DefaultValue("PT60S") Duration resendCooldown,
        @DefaultValue("16KB") DataSize maxRequestBody,
        @DefaultValue Topics topics,
        @DefaultValue Retention retention,
        @DefaultValue Limits limits,
        @DefaultValue("reveal") ExistingEmail existingEmail) {

    public RegistrationProperties {
        if (verificationTtl.isNegative() || verificationTtl.isZero()) {
            throw new IllegalArgumentException("registration.verification-ttl must be positive, was " + verificationTtl);
        }
    }

    /** What a sign-up with a taken address answers. */
    public enum ExistingEmail {
        /** {@code 409 email-taken}, as the seed did. */
        REVEAL,
        /** The same 202 as a new address; the address's owner gets a notice instead ({@code SignupAttempted}). */
        CONCEAL
    }

    /**
     * Each {@code COUNT/DURATION} or {@code off} ({@link Limit}), shared by all instances.
     *
     * @param perClient sign-ups and resends per client address ({@code REGISTRATION_LIMITS_PER_CLIENT})
     * @param perEmail  verification emails (sign-up and resends, and the notice of a concealed sign-up) per email
     *                  address, besides the resend cooldown ({@code REGISTRATION_LIMITS_PER_EMAIL})
     * @param global    sign-ups and resends of the whole service, e.g. for a provider quota
     *                  ({@code REGISTRATION_LIMITS_GLOBAL})
     */
    public record Limits(
            @DefaultValue("30/10m") String perClient,
            @DefaultValue("5/24h") String perEmail,
            @DefaultValue("off") String global) {

        public Limits {
            perClientLimit(perClient);
            perEmailLimit(perEmail);
            globalLimit(global);
        }

        public Limit perClientLimit() {
            return perClientLimit(perClient);
        }

        public Limit perEmailLimit() {
            return perEmailLimit(perEmail);
        }

        public Limit globalLimit() {
            return globalLimit(global);
        }

        private static Limit perClientLimit(String value) {
            return Limit.parse("REGISTRATION_LIMITS_PER_CLIENT", value);
        }

        private static Limit perEmailLimit(String value) {
            return Limit.parse("REGISTRATION_LIMITS_PER_EMAIL", value);
        }

        private static Limit globalLimit(String value) {
            return Limit.parse("REGISTRATION_LIMITS_GLOBAL", value);
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
