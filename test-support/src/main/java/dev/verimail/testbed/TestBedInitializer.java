package dev.verimail.testbed;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;

/**
 * Points a service's context at a fresh test database and a broker of its own, unless the test itself set those
 * properties (a test that wants Kafka to be unreachable, say).
 */
public class TestBedInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    private static final String INLINED = "Inlined Test Properties";

    /**
     * The {@code VERIMAIL_LINK_KEY} of every service a test starts (key id 1, 32 bytes): tests that sign tokens
     * themselves use it too. A test value, never a deployment's.
     */
    public static final String LINK_KEY = "1:dmVyaW1haWwtdGVzdC1saW5rLWtleS0zMi1ieXRlcyE=";

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        ConfigurableEnvironment env = context.getEnvironment();
        PropertySource<?> inlined = env.getPropertySources().get(INLINED);
        Map<String, Object> props = new LinkedHashMap<>();
        if (!definedBy(inlined, "spring.datasource.url")) {
            DatabaseCoordinates db = TestDatabases.server().create(env.getProperty("spring.application.name", "svc"));
            props.put("spring.datasource.url", db.url());
            props.put("spring.datasource.username", db.username());
            props.put("spring.datasource.password", db.password());
            props.put("verimail.test.database", db.databaseName());
        }
        if (!definedBy(inlined, "spring.kafka.bootstrap-servers")) {
            TestKafka.Broker broker = TestKafka.start();
            props.put("spring.kafka.bootstrap-servers", broker.bootstrapServers());
            // Registered first, destroyed last: after the listeners and producers of the context have stopped.
            context.getBeanFactory().registerSingleton("verimailTestKafkaBroker", (DisposableBean) broker::stop);
        }
        props.put("spring.kafka.consumer.auto-offset-reset", "earliest");
        props.put("verimail.link-key", LINK_KEY);
        env.getPropertySources().addFirst(new MapPropertySource("verimail-test-bed", props));
        if (inlined != null) {
            // keep the test's own properties on top
            env.getPropertySources().remove(INLINED);
            env.getPropertySources().addFirst(inlined);
        }
    }

    private static boolean definedBy(PropertySource<?> source, String name) {
        return source != null && source.containsProperty(name);
    }
}
