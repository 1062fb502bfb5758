package dev.verimail.outbox;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.KafkaAdmin;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Publishes committed outbox rows to Kafka and deletes them once acknowledged: one thread per instance running
 * {@link OutboxBatch} rounds (see there for what a round does with each row).
 * <p>
 * A round that publishes nothing although rows are there (the broker is down, or every row was refused) is retried
 * after a backoff that grows to {@code maxBackoff}; rows are never given up on for an outage. A round that is full
 * is followed at once by the next; otherwise the relay waits for {@link #wakeUp()} or {@code pollInterval}.
 */
public class OutboxRelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

    private final OutboxBatch batch;
    private final OutboxProperties properties;
    private final Semaphore wakeUp = new Semaphore(0);
    private final Counter failures;

    private final KafkaAdmin admin;
    private volatile boolean running;
    private long lastTopicCheck;
    private Thread thread;

    OutboxRelay(OutboxBatch batch, KafkaAdmin admin, OutboxProperties properties, MeterRegistry meters) {
        this.batch = batch;
        this.admin = admin;
        this.properties = properties;
        this.failures = Counter.builder("outbox.relay.failures")
                .description("Relay rounds in which a row was not acknowledged, or that failed as a whole")
                .register(meters);
    }

    /** Called after a transaction that wrote outbox rows commits, so they go out without waiting for the next poll. */
    public void wakeUp() {
        if (wakeUp.availablePermits() == 0) {
            wakeUp.release();
        }
    }

    /**
     * Publishes one batch. Public so tests and tools can drive the relay deterministically. Rows the broker did not
     * take stay in the outbox (or, refused {@code maxAttempts} times, move to {@code outbox_dead}); this does not
     * throw for them.
     *
     * @return the number of rows published and deleted
     */
    public int publishBatch() {
        return batch.run().published();
    }

    private void loop() {
        Duration backoff = Duration.ZERO;
        boolean failing = false;
        while (running) {
            try {
                OutboxBatch.Result round = batch.run();
                if (round.failed() > 0) {
                    failures.increment();
                }
                if (round.stalled()) {
                    throw new OutboxPublishException(describe(round.firstFailure()), round.firstFailure());
                }
                if (failing) {
                    log.info("Outbox relay recovered: publishing to Kafka again");
                    failing = false;
                }
                backoff = Duration.ZERO;
                if (round.claimed() < properties.batchSize()) {
                    wakeUp.tryAcquire(properties.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
                    wakeUp.drainPermits();
                }
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            catch (RuntimeException e) {
                if (!(e instanceof OutboxPublishException)) {
                    failures.increment();
                }
                backoff = backoff.isZero() ? Duration.ofMillis(200) : min(backoff.multipliedBy(2), properties.maxBackoff());
                if (!failing) {
                    log.warn("Outbox relay cannot publish ({}); rows stay in the outbox and are retried, next attempt in {} ms",
                            e.getMessage(), backoff.toMillis());
                    failing = true;
                }
                else {
                    log.debug("Outbox relay still failing: {}", e.toString());
                }
                if (!sleep(backoff)) {
                    return;
                }
                ensureTopics();
            }
        }
    }

    private static String describe(Throwable failure) {
        return failure == null ? "no ack" : failure.getClass().getName() + ": " + failure.getMessage();
    }

    /**
     * If the broker was down when the service started, the topics it declares were never created, and a broker
     * that does not auto-create topics would refuse every send. Retry the creation now and then while failing.
     */
    private void ensureTopics() {
        if (admin == null || System.currentTimeMillis() - lastTopicCheck < 10_000) {
            return;
        }
        lastTopicCheck = System.currentTimeMillis();
        try {
            admin.initialize();
        }
        catch (RuntimeException e) {
            log.debug("Could not check or create topics yet: {}", e.toString());
        }
    }

    private boolean sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
            return true;
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    @Override
    public void start() {
        if (!properties.enabled()) {
            log.info("Outbox relay disabled (verimail.outbox.enabled=false): this instance does not publish");
            return;
        }
        running = true;
        thread = new Thread(this::loop, "outbox-relay");
        thread.setDaemon(true);
        thread.start();
        log.info("Outbox relay started: batch {} rows, poll every {} ms, a row refused {} times moves to outbox_dead",
                properties.batchSize(), properties.pollInterval().toMillis(), properties.maxAttempts());
    }

    @Override
    public void stop() {
        running = false;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(properties.sendTimeout().toMillis());
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            thread = null;
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        // Stop before the Kafka producer factory and the DataSource go away.
        return Integer.MAX_VALUE - 1000;
    }
}
