package dev.verimail.outbox;

import java.util.HashMap;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * {@code VERIMAIL_OTLP_ENDPOINT} (the OTLP/HTTP base URL of a collector, {@code http://collector:4318}) becomes Spring
 * Boot's {@code management.opentelemetry.tracing.export.otlp.endpoint} ({@code <base>/v1/traces}, the OTLP/HTTP
 * traces path). Unset or blank: the property stays unset and Boot creates no exporter (its exporter is conditional
 * on the property being present, even empty, so a {@code ${VERIMAIL_OTLP_ENDPOINT:}} placeholder would not do).
 * A value set for Boot's property itself wins.
 */
public class TracingEnvironment implements EnvironmentPostProcessor {

    static final String VARIABLE = "VERIMAIL_OTLP_ENDPOINT";
    static final String BOOT_PROPERTY = "management.opentelemetry.tracing.export.otlp.endpoint";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String base = environment.getProperty(VARIABLE, environment.getProperty("verimail.otlp.endpoint", ""));
        if (base.isBlank() || environment.containsProperty(BOOT_PROPERTY)) {
            return;
        }
        String trimmed = base.strip().replaceAll("/+$", "");
        Map<String, Object> values = new HashMap<>();
        values.put(BOOT_PROPERTY, trimmed.endsWith("/v1/traces") ? trimmed : trimmed + "/v1/traces");
        environment.getPropertySources().addLast(new MapPropertySource("verimailOtlpEndpoint", values));
    }
}
