package dev.verimail.messaging;

import java.time.Clock;

import org.apache.kafka.common.TopicPartition;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.listener.ConsumerRecordRecoverer;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.RetryListener;
import org.springframework.kafka.support.ProducerListener;
import org.springframework.util.backoff.ExponentialBackOff;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * Gives every service the same consumer policy: Boot's listener container factory picks up the error handler
 * bean, the listeners call {@link ConsumerPolicy}.
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@EnableConfigurationProperties({ MessagingProperties.class, TrustProperties.class })
public class MessagingAutoConfiguration {

    @Bean
    ConsumerStalls consumersHealthIndicator(ObjectProvider<MeterRegistry> meters, MessagingProperties properties,
            ObjectProvider<Clock> clock) {
        return new ConsumerStalls(meters.getIfAvailable(SimpleMeterRegistry::new), properties,
                clock.getIfAvailable(Clock::systemUTC));
    }

    /**
     * Unreadable records to {@code <topic>.DLT}, partitioned by their key, without secrets
     * ({@link SecretFreeDeadLetters}). Its own template, with a listener that logs nothing: Boot's default one logs
     * the start of a value it failed to send, which may be a secret.
     */
    @Bean
    DeadLetterPublishingRecoverer deadLetterPublishingRecoverer(ProducerFactory<String, String> producers) {
        DeadLetterPublishingRecoverer recoverer = new SecretFreeDeadLetters(quietTemplate(producers),
                (record, e) -> new TopicPartition(record.topic() + DeadLetterReplay.SUFFIX, -1));
        // the stack trace of an UnreadableEventException is empty, and no other exception is dead-lettered
        recoverer.setStripPreviousExceptionHeaders(true);
        return recoverer;
    }

    @Bean
    ConsumerPolicy consumerPolicy(DeadLetterPublishingRecoverer deadLetters, ConsumerStalls stalls,
            ObjectProvider<MeterRegistry> meters) {
        return new ConsumerPolicy(deadLetters, stalls, meters.getIfAvailable(SimpleMeterRegistry::new));
    }

    /**
     * What reaches the container's error handler is never an unreadable record (the listeners dead-letter those
     * themselves), so it is an outage or a bug: the whole batch is retried, the pause doubling from
     * {@code retry-initial} to {@code retry-max}, for as long as it fails. It is never dead-lettered and never
     * skipped; the partitions stay paused meanwhile, so later records wait behind it in order.
     */
    @Bean
    DefaultErrorHandler kafkaErrorHandler(MessagingProperties properties, ConsumerStalls stalls) {
        ExponentialBackOff backOff = new ExponentialBackOff(properties.retryInitial().toMillis(), 2);
        backOff.setMaxInterval(properties.retryMax().toMillis());
        backOff.setMaxElapsedTime(Long.MAX_VALUE);
        ConsumerRecordRecoverer neverCalled = (record, e) -> {
            throw new IllegalStateException("retries never end", e);
        };
        DefaultErrorHandler handler = new DefaultErrorHandler(neverCalled, backOff);
        // spring-kafka gives up at once on a few exception types (ClassCastException, conversion errors...); here a
        // bug is retried like an outage, so that a fix and a restart lose nothing
        handler.setClassifications(java.util.Map.of(), true);
        handler.setRetryListeners(new RetryListener() {
            @Override
            public void failedDelivery(org.apache.kafka.clients.consumer.ConsumerRecord<?, ?> record, Exception ex,
                    int attempt) {
                stalls.failed(record.topic(), ex, attempt);
            }

            @Override
            public void failedDelivery(org.apache.kafka.clients.consumer.ConsumerRecords<?, ?> records, Exception ex,
                    int attempt) {
                records.partitions().stream().map(TopicPartition::topic).distinct()
                        .forEach(topic -> stalls.failed(topic, ex, attempt));
            }
        });
        return handler;
    }

    @Bean
    DeadLetterReplay deadLetterReplay(ConsumerFactory<String, String> consumers,
            ProducerFactory<String, String> producers) {
        return new DeadLetterReplay(consumers, quietTemplate(producers));
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
    static class Endpoints {

        @Bean
        DeadLettersEndpoint deadLettersEndpoint(DeadLetterReplay replay) {
            return new DeadLettersEndpoint(replay);
        }
    }

    private static KafkaTemplate<String, String> quietTemplate(ProducerFactory<String, String> producers) {
        KafkaTemplate<String, String> template = new KafkaTemplate<>(producers);
        template.setProducerListener(new ProducerListener<>() {
        });
        return template;
    }
}
