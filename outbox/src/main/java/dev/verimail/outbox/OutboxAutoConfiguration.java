package dev.verimail.outbox;

import java.time.Clock;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.ProducerListener;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.transaction.PlatformTransactionManager;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * Wires the outbox into any service that has a DataSource and Kafka on its classpath.
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration",
        "org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@EnableConfigurationProperties(OutboxProperties.class)
public class OutboxAutoConfiguration {

    @Bean
    OutboxRelay outboxRelay(JdbcTemplate jdbc, ProducerFactory<String, String> producers,
            ObjectProvider<KafkaAdmin> admin, PlatformTransactionManager transactions, OutboxProperties properties,
            ObjectProvider<MeterRegistry> meters) {
        KafkaTemplate<String, String> template = new KafkaTemplate<>(producers);
        // The default listener logs the start of failed payloads, which may hold an authcode; the relay logs
        // failures itself, without payloads.
        template.setProducerListener(new ProducerListener<>() {
        });
        return new OutboxRelay(jdbc, template, admin.getIfAvailable(), transactions, properties,
                meters.getIfAvailable(SimpleMeterRegistry::new));
    }

    @Bean
    OutboxWriter outboxWriter(JdbcTemplate jdbc, ObjectProvider<Clock> clock, OutboxRelay relay) {
        return new OutboxWriter(jdbc, clock.getIfAvailable(Clock::systemUTC), relay::wakeUp);
    }
}
