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

    /**
     * The {@code VERIMAIL_SECRET_KEYS} of every service a test starts (registration seals, the mailer opens; key id 1,
     * 32 bytes): tests that publish sealed challenges themselves use it too ({@link SealedChallenges}). A test value.
     */
    public static final String SECRET_KEYS = "1:dmVyaW1haWwtdGVzdC1zZWNyZXQta2V5LTMyLWJ5dGU=";

    /**
     * The {@code VERIMAIL_OPERATOR_TOKENS} of every service a test starts: tests of operator APIs send it as
     * {@code Authorization: Bearer}. A test value, never a deployment's.
     */
    public static final String OPERATOR_TOKEN = "test-operator-token-0123456789abcdefghijklmnop";

    /** {@code Authorization} header value with {@link #OPERATOR_TOKEN}. */
    public static final String OPERATOR_AUTHORIZATION = "Bearer " + OPERATOR_TOKEN;

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
        props.put("verimail.secret-keys", SECRET_KEYS);
        props.put("verimail.operator-tokens", OPERATOR_TOKEN);
        // the actuator on a random port of its own (TestHttp.management), as in production on 908x
        props.put("management.server.port", "0");
        // many tests sign up more than 30 users from 127.0.0.1; LimitTests switch it back on
        props.put("registration.limits.per-client", "off");
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
