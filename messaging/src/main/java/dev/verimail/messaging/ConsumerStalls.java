package dev.verimail.messaging;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Which consumed topics are stuck, and since when. A failed batch starts a stall of its topic (or keeps it going);
 * the next batch that is applied ends it. While a stall lasts it is visible three ways: one WARN per topic at most
 * every {@code warnEvery}, naming the cause; the gauge {@code verimail.consumer.stalled.seconds{topic}}; and this
 * health contributor ({@code consumers}, part of readiness), DOWN once a stall is older than {@code stallAfter}.
 */
public class ConsumerStalls implements HealthIndicator {

    private static final Logger log = LoggerFactory.getLogger(ConsumerStalls.class);

    private final Map<String, Stall> stalls = new ConcurrentHashMap<>();
    private final Map<String, Boolean> gauged = new ConcurrentHashMap<>();
    private final MeterRegistry meters;
    private final MessagingProperties properties;
    private final Clock clock;

    public ConsumerStalls(MeterRegistry meters, MessagingProperties properties, Clock clock) {
        this.meters = meters;
        this.properties = properties;
        this.clock = clock;
    }

    /** A batch of {@code topic} failed with {@code cause} on its {@code attempt}-th delivery. */
    public void failed(String topic, Throwable cause, int attempt) {
        gauge(topic);
        Instant now = clock.instant();
        Stall stall = stalls.compute(topic, (t, s) -> s == null ? new Stall(now, now, attempt, describe(cause))
                : new Stall(s.since(), s.lastWarned(), attempt, describe(cause)));
        boolean first = stall.since().equals(now) && stall.lastWarned().equals(now);
        if (first || Duration.between(stall.lastWarned(), now).compareTo(properties.warnEvery()) >= 0) {
            stalls.computeIfPresent(topic, (t, s) -> new Stall(s.since(), now, s.attempts(), s.cause()));
            log.warn("Consumer of {} stalled for {} s ({} attempts), retrying until it works: {}", topic,
                    Duration.between(stall.since(), now).toSeconds(), attempt, stall.cause());
        }
    }

    /** A batch of {@code topic} was applied: a stall, if any, is over. */
    public void succeeded(String topic) {
        gauge(topic);
        Stall ended = stalls.remove(topic);
        if (ended != null) {
            log.info("Consumer of {} is moving again after {} s ({} attempts)", topic,
                    Duration.between(ended.since(), clock.instant()).toSeconds(), ended.attempts());
        }
    }

    /** Seconds the topic's consumer has been stuck, 0 when it is not. */
    public double stalledSeconds(String topic) {
        Stall stall = stalls.get(topic);
        return stall == null ? 0 : Duration.between(stall.since(), clock.instant()).toMillis() / 1000.0;
    }

    @Override
    public Health health() {
        Map<String, Object> details = new TreeMap<>();
        boolean down = false;
        for (Map.Entry<String, Stall> e : stalls.entrySet()) {
            Duration stalled = Duration.between(e.getValue().since(), clock.instant());
            details.put(e.getKey(), Map.of("stalledSeconds", stalled.toSeconds(), "cause", e.getValue().cause()));
            down |= stalled.compareTo(properties.stallAfter()) >= 0;
        }
        return (down ? Health.down() : Health.up()).withDetails(details).build();
    }

    private void gauge(String topic) {
        gauged.computeIfAbsent(topic, t -> {
            Gauge.builder("verimail.consumer.stalled.seconds", this, s -> s.stalledSeconds(t)).tag("topic", t)
                    .description("How long the consumer of the topic has been retrying a failed batch; 0 when it is not")
                    .register(meters);
            return true;
        });
    }

    /**
     * The root cause's class and message, cut short. Database and broker errors name hosts and statements, not
     * values; an {@link UnreadableEventException} never quotes a record.
     */
    static String describe(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? "" : ": " + root.getMessage().replaceAll("\\s+", " ");
        String text = root.getClass().getSimpleName() + message;
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }

    private record Stall(Instant since, Instant lastWarned, int attempts, String cause) {
    }
}
