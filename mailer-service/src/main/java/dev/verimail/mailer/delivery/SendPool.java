package dev.verimail.mailer.delivery;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.stereotype.Component;

import dev.verimail.mailer.config.MailerProperties;
import jakarta.annotation.PreDestroy;

/**
 * The send slots: at most {@code mailer.send.concurrency} sends run at once, one thread each, so one slow reply
 * never holds up the others. A slot is taken before a delivery is claimed, never after: whoever has more to send
 * waits here holding nothing (Kafka consumption slows down instead of memory filling up, and no claim runs out
 * while it waits).
 */
@Component
class SendPool {

    private final int size;
    private final Semaphore slots;
    private final ThreadPoolExecutor workers;

    SendPool(MailerProperties properties, MailerMetrics metrics) {
        this.size = properties.send().concurrency();
        this.slots = new Semaphore(size);
        this.workers = new ThreadPoolExecutor(size, size, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                new CustomizableThreadFactory("mailer-send-"));
        this.workers.allowCoreThreadTimeOut(true);
        metrics.inFlight(() -> size - slots.availablePermits());
    }

    int size() {
        return size;
    }

    /**
     * Waits for a free slot and runs {@code send} on it. False when interrupted or shutting down: {@code send} did
     * not run (whatever it was to send is re-driven later).
     */
    boolean submit(Runnable send) {
        try {
            slots.acquire();
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return run(send);
    }

    /** Takes up to {@code wanted} free slots without waiting; each must be used with {@link #run} or released. */
    int reserve(int wanted) {
        for (int taken = 0; taken < wanted; taken++) {
            if (!slots.tryAcquire()) {
                return taken;
            }
        }
        return wanted;
    }

    /**
     * Like {@link #reserve}, but waits up to {@code patience} for the first slot: a re-drive with work due keeps the
     * slots busy instead of giving up until its next interval whenever they are all taken at that instant.
     */
    int reserveWaiting(int wanted, java.time.Duration patience) {
        try {
            if (wanted <= 0 || !slots.tryAcquire(patience.toMillis(), TimeUnit.MILLISECONDS)) {
                return 0;
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
        return 1 + reserve(wanted - 1);
    }

    void release(int reserved) {
        if (reserved > 0) {
            slots.release(reserved);
        }
    }

    /** Runs {@code send} on a slot already taken; the slot is free again when it is done. */
    boolean run(Runnable send) {
        try {
            workers.execute(() -> {
                try {
                    send.run();
                }
                finally {
                    slots.release();
                }
            });
            return true;
        }
        catch (RejectedExecutionException e) {
            slots.release();
            return false;
        }
    }

    /** Lets running sends finish and record their outcome; nothing new starts. */
    @PreDestroy
    void shutdown() throws InterruptedException {
        workers.shutdown();
        if (!workers.awaitTermination(30, TimeUnit.SECONDS)) {
            workers.shutdownNow();
        }
    }
}
