package dev.verimail.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.mock.env.MockEnvironment;

/** {@code VERIMAIL_OTLP_ENDPOINT} to Spring Boot's span exporter endpoint, and nothing when it is unset or blank. */
class TracingEnvironmentTests {

    private static MockEnvironment processed(MockEnvironment environment) {
        new TracingEnvironment().postProcessEnvironment(environment, new SpringApplication());
        return environment;
    }

    @Test
    void theBaseUrlBecomesTheTracesEndpoint() {
        assertThat(processed(new MockEnvironment().withProperty("VERIMAIL_OTLP_ENDPOINT", "http://collector:4318/"))
                .getProperty(TracingEnvironment.BOOT_PROPERTY)).isEqualTo("http://collector:4318/v1/traces");
        assertThat(processed(new MockEnvironment().withProperty("VERIMAIL_OTLP_ENDPOINT",
                "http://collector:4318/v1/traces")).getProperty(TracingEnvironment.BOOT_PROPERTY))
                .isEqualTo("http://collector:4318/v1/traces");
    }

    @Test
    void unsetOrBlankExportsNothing() {
        // Boot creates its exporter as soon as the property exists, even empty: it must stay absent
        assertThat(processed(new MockEnvironment()).containsProperty(TracingEnvironment.BOOT_PROPERTY)).isFalse();
        assertThat(processed(new MockEnvironment().withProperty("VERIMAIL_OTLP_ENDPOINT", "  "))
                .containsProperty(TracingEnvironment.BOOT_PROPERTY)).isFalse();
    }

    @Test
    void bootsOwnPropertyWins() {
        assertThat(processed(new MockEnvironment().withProperty("VERIMAIL_OTLP_ENDPOINT", "http://a:4318")
                .withProperty(TracingEnvironment.BOOT_PROPERTY, "http://b:4318/v1/traces"))
                .getProperty(TracingEnvironment.BOOT_PROPERTY)).isEqualTo("http://b:4318/v1/traces");
    }
}
