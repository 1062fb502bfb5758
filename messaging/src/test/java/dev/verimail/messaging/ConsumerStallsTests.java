package dev.verimail.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLTransientConnectionException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Status;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

class ConsumerStallsTests {

    private final MutableClock clock = new MutableClock();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final ConsumerStalls stalls = new ConsumerStalls(meters,
            new MessagingProperties(Duration.ofMillis(500), Duration.ofSeconds(30), Duration.ofSeconds(10),
                    Duration.ofSeconds(60)), clock);

    @Test
    void aFailingTopicIsStalledUntilABatchIsAppliedAndReadinessGoesDownAfterStallAfter() {
        stalls.succeeded("registration-events");
        assertThat(stalls.health().getStatus()).isEqualTo(Status.UP);
        assertThat(gauge("registration-events")).isZero();

        stalls.failed("registration-events", new RuntimeException("x",
                new SQLTransientConnectionException("Connection refused")), 1);
        assertThat(stalls.health().getStatus()).as("a short hiccup is not an outage").isEqualTo(Status.UP);

        clock.advance(Duration.ofSeconds(12));
        stalls.failed("registration-events", new RuntimeException("y"), 2);
        assertThat(stalls.health().getStatus()).isEqualTo(Status.DOWN);
        assertThat(stalls.health().getDetails()).containsKey("registration-events");
        assertThat(gauge("registration-events")).isEqualTo(12.0);

        stalls.succeeded("registration-events");
        assertThat(stalls.health().getStatus()).isEqualTo(Status.UP);
        assertThat(gauge("registration-events")).isZero();
    }

    @Test
    void theCauseIsTheRootExceptionsClassAndMessage() {
        String text = ConsumerStalls.describe(new IllegalStateException("outer",
                new SQLTransientConnectionException("HikariPool-1 - Connection is not available")));
        assertThat(text).isEqualTo("SQLTransientConnectionException: HikariPool-1 - Connection is not available");
    }

    @Test
    void topicsStallIndependently() {
        stalls.failed("a", new RuntimeException("down"), 1);
        clock.advance(Duration.ofSeconds(11));
        stalls.succeeded("b");
        assertThat(stalls.stalledSeconds("a")).isEqualTo(11.0);
        assertThat(stalls.stalledSeconds("b")).isZero();
        assertThat(stalls.health().getStatus()).isEqualTo(Status.DOWN);
    }

    private double gauge(String topic) {
        return meters.get("verimail.consumer.stalled.seconds").tag("topic", topic).gauge().value();
    }

    static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-12-01T10:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
