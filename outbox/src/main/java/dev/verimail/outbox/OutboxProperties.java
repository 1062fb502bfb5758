package dev.verimail.outbox;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the outbox relay ({@code verimail.outbox.*}, or {@code VERIMAIL_OUTBOX_*} in the environment).
 *
 * @param enabled       run the relay in this instance (the writer always works)
 * @param batchSize     rows claimed and published per transaction
 * @param pollInterval  how often to look for rows written by other instances; rows written here wake the relay at once
 * @param sendTimeout   how long to wait for the broker to acknowledge a batch before giving up and retrying it
 * @param maxBackoff    the longest pause between attempts while the broker is unreachable
 * @param source        the CloudEvents {@code ce_source} of every event this service publishes
 * @param maxAttempts   after this many refusals of one record by the broker (a failure specific to that record,
 *                      such as a record too large or an invalid topic, never an outage) the row is moved to
 *                      {@code outbox_dead}, so the rows behind it keep flowing
 * @param metricsRefresh how long the gauges reuse what they last read from the database, so a scrape storm costs
 *                      at most one pair of index lookups per interval
 */
@ConfigurationProperties("verimail.outbox")
public record OutboxProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("500") int batchSize,
        @DefaultValue("500ms") Duration pollInterval,
        @DefaultValue("15s") Duration sendTimeout,
        @DefaultValue("5s") Duration maxBackoff,
        @DefaultValue("/verimail") String source,
        @DefaultValue("10") int maxAttempts,
        @DefaultValue("5s") Duration metricsRefresh) {

    public OutboxProperties {
        if (batchSize < 1) {
            throw new IllegalArgumentException("verimail.outbox.batch-size must be at least 1, was " + batchSize);
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("verimail.outbox.max-attempts must be at least 1, was " + maxAttempts);
        }
    }
}
