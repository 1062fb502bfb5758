package dev.verimail.registration.messaging;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.ExponentialBackOff;

import dev.verimail.registration.config.RegistrationProperties;

@Configuration(proxyBeanMethods = false)
class KafkaConfiguration {

    private static final Logger log = LoggerFactory.getLogger(KafkaConfiguration.class);

    @Bean
    NewTopic registrationEventsTopic(RegistrationProperties properties) {
        return TopicBuilder.name(properties.topics().registrationEvents())
                .partitions(properties.topics().partitions()).build();
    }

    @Bean
    NewTopic verificationEventsTopic(RegistrationProperties properties) {
        return TopicBuilder.name(properties.topics().verificationEvents())
                .partitions(properties.topics().partitions()).build();
    }

    /**
     * Unreadable records go to {@code <topic>.DLT} at once, with the exception in the {@code kafka_dlt-*} headers;
     * other failures (the database is down, say) are retried with backoff for about a minute before the record is
     * parked there too, so one bad record never blocks its partition.
     */
    @Bean
    DefaultErrorHandler kafkaErrorHandler(KafkaOperations<?, ?> template) {
        DeadLetterPublishingRecoverer recoverer = new DeadLetterPublishingRecoverer(template, (record, e) -> {
            log.error("Giving up on record {}-{}@{}: {}; moved to {}.DLT", record.topic(), record.partition(),
                    record.offset(), e.getMessage(), record.topic());
            return new TopicPartition(record.topic() + ".DLT", -1);
        });
        ExponentialBackOff backOff = new ExponentialBackOff(500, 2);
        backOff.setMaxInterval(10_000);
        backOff.setMaxElapsedTime(60_000);
        DefaultErrorHandler handler = new DefaultErrorHandler(recoverer, backOff);
        handler.addNotRetryableExceptions(UnreadableEventException.class);
        return handler;
    }
}
