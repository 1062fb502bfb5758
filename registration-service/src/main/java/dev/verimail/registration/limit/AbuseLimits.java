package dev.verimail.registration.limit;

import java.time.Instant;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import dev.verimail.registration.config.RegistrationProperties;

/**
 * The limits on what one client, one address and the whole service can make us send (DESIGN.md, "Abuse limits"),
 * parsed once from {@code registration.limits.*}. Each {@code take} runs in the caller's transaction and throws
 * {@link RateLimitedException} when over; the answer is the same whether the address is registered or not. Refusals
 * are counted in {@code verimail_rate_limited_total{limit="client|email|global"}}.
 */
@Component
public class AbuseLimits {

    private static final Logger log = LoggerFactory.getLogger(AbuseLimits.class);

    private final RateLimits buckets;
    private final Limit perClient;
    private final Limit perEmail;
    private final Limit global;
    private final MeterRegistry meters;

    AbuseLimits(RateLimits buckets, RegistrationProperties properties, MeterRegistry meters) {
        this.buckets = buckets;
        this.meters = meters;
        this.perClient = properties.limits().perClientLimit();
        this.perEmail = properties.limits().perEmailLimit();
        this.global = properties.limits().globalLimit();
        log.info("Abuse limits: per client address {}, per email address {}, whole service {}", perClient, perEmail,
                global);
        if (perClient.isOff()) {
            log.warn("REGISTRATION_LIMITS_PER_CLIENT=off: one client can sign up and resend without limit "
                    + "(fine for a load test, not on the internet)");
        }
    }

    public boolean perClientIsOn() {
        return !perClient.isOff();
    }

    /** One sign-up or resend of this client address. */
    public void takeClient(String clientAddress, Instant now) {
        take(perClient, "client:" + clientAddress, now, "client");
    }

    /** One email to this address (by its normalized key). */
    public void takeEmail(String emailKey, Instant now) {
        takeEmail(emailKey, now, null);
    }

    /**
     * One email to this address, and if its bucket has no row yet, the sign-up email sent at {@code signedUpAt}
     * too. With {@code REGISTRATION_EXISTING_EMAIL=reveal} a new address's sign-up does not write its bucket (one
     * statement less on every sign-up, BENCHMARKS.md); the first resend counts it. An earlier resend for the address
     * while it was unknown already holds a unit that sent nothing, so no more emails than the limit go out.
     */
    public void takeEmail(String emailKey, Instant now, Instant signedUpAt) {
        try {
            buckets.take(perEmail, "email:" + emailKey, now, signedUpAt);
        }
        catch (RateLimitedException e) {
            refused("email", perEmail, e);
            throw e;
        }
    }

    /** One sign-up or resend of the whole service. */
    public void takeGlobal(Instant now) {
        take(global, "global", now, "global");
    }

    private void take(Limit limit, String bucket, Instant now, String kind) {
        try {
            buckets.take(limit, bucket, now);
        }
        catch (RateLimitedException e) {
            refused(kind, limit, e);
            throw e;
        }
    }

    private void refused(String kind, Limit limit, RateLimitedException e) {
        // a metric, not a line per refusal (a script over its limit would fill the log), and no address in it
        meters.counter("verimail.rate.limited", "limit", kind).increment();
        log.debug("Refused by the {} limit ({}), retry in {} s", kind, limit, e.retryAfterSeconds());
    }
}
