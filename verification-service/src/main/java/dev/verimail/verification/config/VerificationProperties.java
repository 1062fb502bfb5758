package dev.verimail.verification.config;

import java.net.URI;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Settings of verification-service ({@code verification.*}; in the environment {@code VERIFICATION_*}, e.g.
 * {@code VERIFICATION_CONFIRM_ON_GET=true}).
 *
 * @param confirmOnGet        verify on the GET of the link itself (the classic flow) instead of showing a "Confirm
 *                            my email" button; off by default because mail scanners prefetch links
 * @param registrationBaseUrl where registration-service is, for the "send me a new link" button
 *                            ({@code POST {registrationBaseUrl}/register/resend})
 * @param maxRequestBody      larger request bodies are refused with 413
 * @param reannounceAfter     a confirm of a user verified longer ago than this announces {@code EmailVerified}
 *                            again (same event, same {@code eventId}), healing an announcement that was lost
 * @param notReadyRetryAfter  what {@code Retry-After} tells a client whose genuine link has no stored challenge yet
 * @param topics              Kafka topics
 * @param retention           when stored challenges are deleted
 * @param code                the 6-digit code beside the link ({@code VERIFICATION_CODE_*})
 * @param limits              abuse limits ({@code VERIFICATION_LIMITS_*})
 */
@ConfigurationProperties("verification")
public record VerificationProperties(
        @DefaultValue("false") boolean confirmOnGet,
        @DefaultValue("http://localhost:8081") String registrationBaseUrl,
        @DefaultValue("16KB") DataSize maxRequestBody,
        @DefaultValue("PT1M") java.time.Duration reannounceAfter,
        @DefaultValue("PT3S") java.time.Duration notReadyRetryAfter,
        @DefaultValue Topics topics,
        @DefaultValue Retention retention,
        @DefaultValue Code code,
        @DefaultValue Limits limits) {

    public VerificationProperties {
        URI uri = URI.create(registrationBaseUrl);
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new IllegalArgumentException(
                    "verification.registration-base-url must be an absolute http(s) URL, was " + registrationBaseUrl);
        }
        registrationBaseUrl = registrationBaseUrl.replaceAll("/+$", "");
    }

    /** The form action of the resend button. */
    public String resendUrl() {
        return registrationBaseUrl + "/register/resend";
    }

    /**
     * @param interval   pause between two clean-up runs ({@code VERIFICATION_RETENTION_INTERVAL})
     * @param challenges a challenge is deleted this long after it expired, was used or was superseded
     *                   ({@code VERIFICATION_RETENTION_CHALLENGES})
     * @param batch      rows per delete statement, each its own short transaction ({@code VERIFICATION_RETENTION_BATCH})
     */
    public record Retention(
            @DefaultValue("PT5M") java.time.Duration interval,
            @DefaultValue("P7D") java.time.Duration challenges,
            @DefaultValue("500") int batch) {

        public Retention {
            if (batch < 1) {
                throw new IllegalArgumentException("verification.retention.batch must be at least 1, was " + batch);
            }
        }
    }

    /**
     * @param codePerClient wrong codes per client address ({@code VERIFICATION_LIMITS_CODE_PER_CLIENT}),
     *                      {@code COUNT/DURATION} or {@code off}; beyond it 429 with {@code Retry-After}
     */
    public record Limits(@DefaultValue("50/1h") String codePerClient) {

        public Limits {
            CodeLimit.parse("verification.limits.code-per-client", codePerClient);
        }

        public CodeLimit codePerClientLimit() {
            return CodeLimit.parse("verification.limits.code-per-client", codePerClient);
        }
    }

    /**
     * @param unknownAddressWindow how long wrong codes for an address without a code are counted (an unknown
     *                             address locks after 5 as a known one does): the link lifetime
     *                             ({@code VERIFICATION_CODE_UNKNOWN_ADDRESS_WINDOW})
     */
    public record Code(
            @DefaultValue("PT24H") java.time.Duration unknownAddressWindow) {

        public Code {
            if (unknownAddressWindow.isNegative() || unknownAddressWindow.isZero()) {
                throw new IllegalArgumentException("verification.code.unknown-address-window must be positive");
            }
        }
    }

    /**
     * @param registrationEvents where {@code UserRegistered} and {@code VerificationReissued} come from
     * @param verificationEvents where {@code EmailVerified} goes
     * @param partitions         partitions of the topics this service creates if missing
     */
    public record Topics(
            @DefaultValue(dev.verimail.events.Topics.REGISTRATION_EVENTS) String registrationEvents,
            @DefaultValue(dev.verimail.events.Topics.VERIFICATION_EVENTS) String verificationEvents,
            @DefaultValue("6") int partitions) {
    }
}
