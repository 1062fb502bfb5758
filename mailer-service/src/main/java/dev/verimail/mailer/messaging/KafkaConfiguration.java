package dev.verimail.mailer.messaging;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartition;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.ProducerListener;
import org.springframework.util.backoff.ExponentialBackOff;

import dev.verimail.mailer.config.MailerProperties;

@Configuration(proxyBeanMethods = false)
class KafkaConfiguration {

    @Bean
    NewTopic registrationEventsTopic(MailerProperties properties) {
        return TopicBuilder.name(properties.topics().registrationEvents())
                .partitions(properties.topics().partitions()).build();
    }

    @Bean
    NewTopic registrationEventsDeadLetterTopic(MailerProperties properties) {
        return TopicBuilder.name(properties.topics().registrationEvents() + ".DLT")
                .partitions(properties.topics().partitions()).build();
    }

    /**
     * Replaces Boot's logging listener on its KafkaTemplate: that one logs the start of a failed record's value,
     * and a record of this topic may hold an authcode.
     */
    @Bean
    ProducerListener<Object, Object> kafkaProducerListener() {
        return new ProducerListener<>() {
        };
    }

    /** Unreadable records go to {@code <topic>.DLT}, same partition as the original, with the error in the headers. */
    @Bean
    DeadLetterPublishingRecoverer deadLetterPublishingRecoverer(KafkaOperations<?, ?> template) {
        return new DeadLetterPublishingRecoverer(template,
                (record, e) -> new TopicPartition(record.topic() + ".DLT", record.partition()));
    }

    /**
     * The listener parks unreadable records itself, so what reaches this handler is an outage of the database or
     * the broker: the batch is retried with backoff (at most every 30 s) for as long as it takes, never dropped.
     */
    @Bean
    DefaultErrorHandler kafkaErrorHandler() {
        ExponentialBackOff backOff = new ExponentialBackOff(500, 2);
        backOff.setMaxInterval(30_000);
        return new DefaultErrorHandler(backOff);
    }
}
