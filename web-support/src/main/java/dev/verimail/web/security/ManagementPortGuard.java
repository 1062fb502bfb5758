package dev.verimail.web.security;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.core.env.Environment;

/**
 * Refuses to start a service whose actuator would answer on the public port: health details, metrics and the
 * dead-letter replay are for the machine's operators, on {@code MANAGEMENT_SERVER_PORT} (bound to
 * {@code MANAGEMENT_SERVER_ADDRESS}, 127.0.0.1 by default). {@code -1} switches the actuator off, which is allowed.
 */
final class ManagementPortGuard implements InitializingBean {

    private final Environment environment;

    ManagementPortGuard(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void afterPropertiesSet() {
        String management = environment.getProperty("management.server.port");
        String server = environment.getProperty("server.port", "8080");
        if (management == null || management.isBlank()) {
            throw new IllegalStateException("MANAGEMENT_SERVER_PORT is not set: the actuator (health, metrics, "
                    + "dead-letter replay) would answer on the public port " + server
                    + ". Set MANAGEMENT_SERVER_PORT to a port of its own, or -1 to switch the actuator off.");
        }
        if (management.strip().equals(server.strip()) && !"0".equals(management.strip())) {
            throw new IllegalStateException("MANAGEMENT_SERVER_PORT equals SERVER_PORT (" + server + "): the actuator "
                    + "would answer on the public port. Give it a port of its own, or -1 to switch it off.");
        }
    }
}
