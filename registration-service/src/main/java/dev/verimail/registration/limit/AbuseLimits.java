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
        take(perEmail, "email:" + emailKey, now, "email");
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
            // a metric, not a line per refusal (a script over its limit would fill the log), and no address in it
            meters.counter("verimail.rate.limited", "limit", kind).increment();
            log.debug("Refused by the {} limit ({}), retry in {} s", kind, limit, e.retryAfterSeconds());
            throw e;
        }
    }
}
