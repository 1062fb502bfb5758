package dev.verimail.localkafka;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Stopping the child JVMs the local stack, the tests and the benchmark start (services, brokers): gracefully as an
 * orchestrator would, or at once as a crash would.
 */
public final class ChildProcesses {

    private ChildProcesses() {
    }

    /** SIGTERM, then SIGKILL if it has not exited within {@code grace}. */
    public static void stop(Process process, Duration grace) {
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGKILL: the process dies at once. */
    public static void kill(Process process) {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
