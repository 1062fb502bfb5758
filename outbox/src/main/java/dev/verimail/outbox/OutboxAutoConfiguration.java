package dev.verimail.outbox;

import java.time.Clock;

import javax.sql.DataSource;

import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.support.ProducerListener;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * Wires the outbox into any service that has a DataSource and Kafka on its classpath. The outbox tables are migrated
 * by {@link OutboxSchema}, with a Flyway history of their own, after the service's migrations and before the relay,
 * the gauges and the dead rows, which depend on them.
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration",
        "org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        "dev.verimail.outbox.TracesAutoConfiguration" })
@EnableConfigurationProperties(OutboxProperties.class)
public class OutboxAutoConfiguration {

    /** After the service's own migrations (which refuse a non-empty schema without their history; the outbox's do not). */
    @Bean
    @DependsOnDatabaseInitialization
    OutboxSchema outboxSchema(DataSource dataSource, org.springframework.core.env.Environment environment) {
        OutboxSchema schema = new OutboxSchema(dataSource, environment);
        schema.migrate();
        return schema;
    }

    @Bean
    OutboxRelay outboxRelay(OutboxSchema schema, JdbcTemplate jdbc, ProducerFactory<String, String> producers,
            ObjectProvider<KafkaAdmin> admin, PlatformTransactionManager transactions, OutboxProperties properties,
            ObjectProvider<MeterRegistry> meters, OutboxDeadRows deadRows, Traces traces) {
        KafkaTemplate<String, String> template = new KafkaTemplate<>(producers);
        // The default listener logs the start of failed payloads, which may hold an authcode; the relay logs
        // failures itself, without payloads.
        template.setProducerListener(new ProducerListener<>() {
        });
        TransactionTemplate tx = new TransactionTemplate(transactions);
        tx.setIsolationLevel(TransactionDefinition.ISOLATION_READ_COMMITTED);
        tx.setName("outbox-relay");
        MeterRegistry registry = meters.getIfAvailable(SimpleMeterRegistry::new);
        OutboxBatch batch = new OutboxBatch(jdbc, template, tx, properties, deadRows, registry, traces);
        return new OutboxRelay(batch, admin.getIfAvailable(), properties, registry);
    }

    @Bean
    OutboxDeadRows outboxDeadRows(OutboxSchema schema, JdbcTemplate jdbc, PlatformTransactionManager transactions,
            ObjectProvider<Clock> clock, ObjectProvider<OutboxRelay> relay) {
        return new OutboxDeadRows(jdbc, transactions, clock.getIfAvailable(Clock::systemUTC),
                () -> relay.ifAvailable(OutboxRelay::wakeUp));
    }

    @Bean
    OutboxGauges outboxGauges(OutboxSchema schema, JdbcTemplate jdbc, ObjectProvider<Clock> clock,
            OutboxProperties properties, ObjectProvider<MeterRegistry> meters) {
        return new OutboxGauges(jdbc, clock.getIfAvailable(Clock::systemUTC), properties.metricsRefresh(),
                meters.getIfAvailable(SimpleMeterRegistry::new));
    }

    @Bean
    OutboxWriter outboxWriter(JdbcTemplate jdbc, ObjectProvider<Clock> clock, OutboxRelay relay, Traces traces) {
        return new OutboxWriter(jdbc, clock.getIfAvailable(Clock::systemUTC), relay::wakeUp, traces);
    }

    /**
     * Where the service migrates with Boot's Flyway: before that Flyway is built, the outbox's former {@code V1000}
     * leaves the service's history, so a new service migration passes validation on a database from before the split.
     * The outbox's own migration then runs after the service's ({@link #outboxSchema}).
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(FlywayConfigurationCustomizer.class)
    static class ServiceFlywayConfiguration {

        @Bean
        FlywayConfigurationCustomizer outboxLegacyMigrationCustomizer(org.springframework.core.env.Environment environment) {
            // through Flyway's own data source: the migration user when spring.flyway.user is set
            return (FluentConfiguration configuration) -> new OutboxSchema(configuration.getDataSource(), environment)
                    .forgetLegacyMigration(configuration.getTable());
        }
    }
}
