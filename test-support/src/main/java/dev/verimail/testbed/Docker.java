package dev.verimail.testbed;

import org.testcontainers.DockerClientFactory;

/** Whether tests should use Testcontainers. Asked once per JVM. */
final class Docker {

    private static Boolean available;

    private Docker() {
    }

    static synchronized boolean available() {
        if (available == null) {
            if ("false".equalsIgnoreCase(System.getenv("VERIMAIL_TEST_DOCKER"))) {
                available = false;
            }
            else {
                try {
                    available = DockerClientFactory.instance().isDockerAvailable();
                }
                catch (RuntimeException | LinkageError e) {
                    available = false;
                }
            }
        }
        return available;
    }
}
