package dev.verimail.messaging;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code verimail.messaging.*}: how consumers retry and when they count as stalled.
 *
 * @param retryInitial first pause after a failed batch
 * @param retryMax     the cap of the doubling pause; retries never stop
 * @param stallAfter   a topic whose batch keeps failing this long makes readiness DOWN
 * @param warnEvery    at most one WARN per stalled topic this often
 */
@ConfigurationProperties("verimail.messaging")
public record MessagingProperties(@DefaultValue("500ms") Duration retryInitial, @DefaultValue("30s") Duration retryMax,
        @DefaultValue("10s") Duration stallAfter, @DefaultValue("60s") Duration warnEvery) {

    public MessagingProperties {
        if (retryInitial.isNegative() || retryInitial.isZero() || retryMax.compareTo(retryInitial) < 0) {
            throw new IllegalArgumentException("verimail.messaging.retry-initial must be > 0 and <= retry-max");
        }
    }
}
