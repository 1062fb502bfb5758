package dev.verimail.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import javax.security.auth.login.AppConfigurationEntry;

import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.security.JaasContext;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.mock.env.MockEnvironment;

class KafkaCredentialsTests {

    // a test-only password, with the characters a JAAS line must escape
    private static final String PASSWORD = "s3cret \"quoted\" back\\slash;";

    @Test
    void withoutAUsernameNothingChanges() {
        MockEnvironment env = new MockEnvironment();
        postProcess(env);
        assertThat(env.getPropertySources().contains(KafkaCredentials.PROPERTY_SOURCE)).isFalse();
        assertThat(env.getProperty("spring.kafka.security.protocol")).isNull();
    }

    @Test
    void aUsernameAndPasswordBecomeScramOverSaslPlaintext() {
        MockEnvironment env = credentials("registration", PASSWORD);
        postProcess(env);
        assertThat(env.getProperty("spring.kafka.security.protocol")).isEqualTo("SASL_PLAINTEXT");
        assertThat(env.getProperty("spring.kafka.properties.sasl.mechanism")).isEqualTo("SCRAM-SHA-256");
        AppConfigurationEntry entry = jaas(env.getProperty("spring.kafka.properties.sasl.jaas.config"));
        assertThat(entry.getLoginModuleName()).isEqualTo("org.apache.kafka.common.security.scram.ScramLoginModule");
        assertThat(entry.getControlFlag()).isEqualTo(AppConfigurationEntry.LoginModuleControlFlag.REQUIRED);
        Map<String, ?> options = entry.getOptions();
        assertThat(options.get("username")).isEqualTo("registration");
        assertThat(options.get("password")).isEqualTo(PASSWORD);
    }

    @Test
    void everyKafkaClientOfTheServiceGetsThem() {
        MockEnvironment env = credentials("mailer", PASSWORD);
        postProcess(env);
        KafkaProperties kafka = Binder.get(env).bind("spring.kafka", KafkaProperties.class).get();
        for (Map<String, Object> client : java.util.List.of(kafka.buildProducerProperties(),
                kafka.buildConsumerProperties(), kafka.buildAdminProperties())) {
            assertThat(client).containsEntry("security.protocol", "SASL_PLAINTEXT")
                    .containsEntry(SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-256")
                    .containsKey(SaslConfigs.SASL_JAAS_CONFIG);
        }
    }

    @Test
    void mechanismAndProtocolCanBeChosen() {
        MockEnvironment env = credentials("verification", PASSWORD)
                .withProperty(KafkaCredentials.MECHANISM, "scram-sha-512")
                .withProperty(KafkaCredentials.SECURITY_PROTOCOL, "SASL_SSL");
        postProcess(env);
        assertThat(env.getProperty("spring.kafka.security.protocol")).isEqualTo("SASL_SSL");
        assertThat(env.getProperty("spring.kafka.properties.sasl.mechanism")).isEqualTo("SCRAM-SHA-512");

        MockEnvironment plain = credentials("verification", PASSWORD).withProperty(KafkaCredentials.MECHANISM, "PLAIN");
        postProcess(plain);
        assertThat(jaas(plain.getProperty("spring.kafka.properties.sasl.jaas.config")).getLoginModuleName())
                .isEqualTo("org.apache.kafka.common.security.plain.PlainLoginModule");
    }

    @Test
    void explicitSpringPropertiesStillWin() {
        MockEnvironment env = credentials("registration", PASSWORD);
        env.getPropertySources().addFirst(new org.springframework.core.env.MapPropertySource("command-line",
                Map.of("spring.kafka.security.protocol", "SASL_SSL")));
        env.getPropertySources().addLast(new org.springframework.core.env.MapPropertySource(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, Map.of()));
        postProcess(env);
        assertThat(env.getProperty("spring.kafka.security.protocol")).isEqualTo("SASL_SSL");
        assertThat(env.getProperty("spring.kafka.properties.sasl.mechanism")).isEqualTo("SCRAM-SHA-256");
    }

    @Test
    void aUsernameWithoutAPasswordStopsTheStartUpWithAClearMessage() {
        assertThatThrownBy(() -> postProcess(new MockEnvironment().withProperty(KafkaCredentials.USERNAME, "mailer")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("VERIMAIL_KAFKA_USERNAME is set (mailer) but VERIMAIL_KAFKA_PASSWORD is not: a Kafka "
                        + "principal needs its password");
        assertThatThrownBy(() -> postProcess(credentials("mailer", "")))
                .hasMessageContaining("VERIMAIL_KAFKA_PASSWORD is not");
    }

    @Test
    void aPasswordWithoutAUsernameOrABadValueStopsTheStartUpWithoutShowingThePassword() {
        assertThatThrownBy(() -> postProcess(new MockEnvironment().withProperty(KafkaCredentials.PASSWORD, PASSWORD)))
                .hasMessageContaining("VERIMAIL_KAFKA_USERNAME is not").hasMessageNotContaining(PASSWORD);
        assertThatThrownBy(() -> postProcess(credentials("mailer", PASSWORD)
                .withProperty(KafkaCredentials.MECHANISM, "GSSAPI")))
                .hasMessageContaining("VERIMAIL_KAFKA_MECHANISM must be one of").hasMessageNotContaining(PASSWORD);
        assertThatThrownBy(() -> postProcess(credentials("mailer", PASSWORD)
                .withProperty(KafkaCredentials.SECURITY_PROTOCOL, "PLAINTEXT")))
                .hasMessageContaining("VERIMAIL_KAFKA_SECURITY_PROTOCOL must be one of").hasMessageNotContaining(PASSWORD);
        assertThatThrownBy(() -> postProcess(new MockEnvironment().withProperty(KafkaCredentials.MECHANISM, "PLAIN")))
                .hasMessageContaining("VERIMAIL_KAFKA_USERNAME is not");
    }

    /** Registered in META-INF/spring.factories: a Boot application picks it up by itself. */
    @Test
    void bootAppliesItToEveryApplication() {
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(Empty.class)
                .web(WebApplicationType.NONE).properties(KafkaCredentials.USERNAME + "=registration",
                        KafkaCredentials.PASSWORD + "=" + PASSWORD)
                .run()) {
            assertThat(context.getEnvironment().getProperty("spring.kafka.security.protocol")).isEqualTo("SASL_PLAINTEXT");
            assertThat(context.getEnvironment().getProperty("spring.kafka.properties.sasl.jaas.config"))
                    .contains("username=\"registration\"");
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Empty {
    }

    private static MockEnvironment credentials(String username, String password) {
        return new MockEnvironment().withProperty(KafkaCredentials.USERNAME, username)
                .withProperty(KafkaCredentials.PASSWORD, password);
    }

    private static void postProcess(MockEnvironment env) {
        new KafkaCredentials().postProcessEnvironment(env, new SpringApplication());
    }

    private static AppConfigurationEntry jaas(String line) {
        JaasContext context = JaasContext.loadClientContext(Map.of(SaslConfigs.SASL_JAAS_CONFIG, new Password(line)));
        assertThat(context.configurationEntries()).hasSize(1);
        return context.configurationEntries().get(0);
    }
}
