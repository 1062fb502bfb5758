package dev.verimail.messaging;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.StandardEnvironment;

/**
 * A service's Kafka credentials from its environment, for brokers with SASL and ACLs (one principal per service):
 * <table>
 * <caption>Variables</caption>
 * <tr><th>variable</th><th>default</th><th>becomes</th></tr>
 * <tr><td>{@code VERIMAIL_KAFKA_USERNAME}</td><td>unset: no authentication, as before</td>
 * <td>the principal's name in {@code spring.kafka.properties.sasl.jaas.config}</td></tr>
 * <tr><td>{@code VERIMAIL_KAFKA_PASSWORD}</td><td>required with a username</td>
 * <td>its password, in the same JAAS line (quoted and escaped)</td></tr>
 * <tr><td>{@code VERIMAIL_KAFKA_MECHANISM}</td><td>{@code SCRAM-SHA-256}</td>
 * <td>{@code spring.kafka.properties.sasl.mechanism}: {@code SCRAM-SHA-256}, {@code SCRAM-SHA-512} or
 * {@code PLAIN}</td></tr>
 * <tr><td>{@code VERIMAIL_KAFKA_SECURITY_PROTOCOL}</td><td>{@code SASL_PLAINTEXT}</td>
 * <td>{@code spring.kafka.security.protocol}: {@code SASL_PLAINTEXT} or {@code SASL_SSL} (then the trust store is
 * Boot's {@code spring.kafka.ssl.*})</td></tr>
 * </table>
 * They apply to every client of the service (producers, consumers, the admin that creates topics, dead-letter
 * replay). A username without a password, a password without a username, or an unknown mechanism or protocol stops
 * the start-up with a message that names the variable; the password itself is never logged nor put in a message.
 * Properties given explicitly ({@code SPRING_KAFKA_SECURITY_PROTOCOL}, system properties, command line) still win.
 */
public class KafkaCredentials implements EnvironmentPostProcessor, Ordered {

    public static final String USERNAME = "VERIMAIL_KAFKA_USERNAME";
    public static final String PASSWORD = "VERIMAIL_KAFKA_PASSWORD";
    public static final String MECHANISM = "VERIMAIL_KAFKA_MECHANISM";
    public static final String SECURITY_PROTOCOL = "VERIMAIL_KAFKA_SECURITY_PROTOCOL";

    static final String PROPERTY_SOURCE = "verimail-kafka-credentials";
    private static final Set<String> MECHANISMS = Set.of("SCRAM-SHA-256", "SCRAM-SHA-512", "PLAIN");
    private static final Set<String> PROTOCOLS = Set.of("SASL_PLAINTEXT", "SASL_SSL");

    @Override
    public int getOrder() {
        // after application.yml and the test's properties are in the environment
        return ConfigDataEnvironmentPostProcessor.ORDER + 10;
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        Map<String, Object> properties = properties(environment);
        if (properties.isEmpty()) {
            return;
        }
        MutablePropertySources sources = environment.getPropertySources();
        MapPropertySource source = new MapPropertySource(PROPERTY_SOURCE, properties);
        if (sources.contains(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME)) {
            sources.addAfter(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, source);
        }
        else {
            sources.addLast(source);
        }
    }

    /** The Spring Kafka properties for the variables in {@code environment}; empty without a username. */
    static Map<String, Object> properties(ConfigurableEnvironment environment) {
        String username = value(environment, USERNAME);
        String password = environment.getProperty(PASSWORD);
        String mechanism = value(environment, MECHANISM);
        String protocol = value(environment, SECURITY_PROTOCOL);
        if (username == null) {
            if (password != null && !password.isEmpty()) {
                throw new IllegalStateException(PASSWORD + " is set but " + USERNAME
                        + " is not: set both to authenticate to Kafka, or neither");
            }
            if (mechanism != null || protocol != null) {
                throw new IllegalStateException((mechanism != null ? MECHANISM : SECURITY_PROTOCOL)
                        + " is set but " + USERNAME + " is not: set the username and password too");
            }
            return Map.of();
        }
        if (password == null || password.isEmpty()) {
            throw new IllegalStateException(USERNAME + " is set (" + username + ") but " + PASSWORD
                    + " is not: a Kafka principal needs its password");
        }
        mechanism = mechanism == null ? "SCRAM-SHA-256" : mechanism.toUpperCase(Locale.ROOT);
        if (!MECHANISMS.contains(mechanism)) {
            throw new IllegalStateException(MECHANISM + " must be one of " + MECHANISMS + ", not " + mechanism);
        }
        protocol = protocol == null ? "SASL_PLAINTEXT" : protocol.toUpperCase(Locale.ROOT);
        if (!PROTOCOLS.contains(protocol)) {
            throw new IllegalStateException(SECURITY_PROTOCOL + " must be one of " + PROTOCOLS + ", not " + protocol);
        }
        String module = mechanism.equals("PLAIN") ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                : "org.apache.kafka.common.security.scram.ScramLoginModule";
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("spring.kafka.security.protocol", protocol);
        properties.put("spring.kafka.properties.sasl.mechanism", mechanism);
        properties.put("spring.kafka.properties.sasl.jaas.config",
                module + " required username=" + quoted(username) + " password=" + quoted(password) + ";");
        return properties;
    }

    private static String value(ConfigurableEnvironment environment, String name) {
        String value = environment.getProperty(name);
        return value == null || value.isBlank() ? null : value.trim();
    }

    /** A JAAS option value: double-quoted, backslashes and double quotes escaped. */
    static String quoted(String value) {
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
