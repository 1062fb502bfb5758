package dev.verimail.mailer.messaging;

import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.config.TopicBuilder;

import dev.verimail.messaging.SecretTopics;
import dev.verimail.messaging.TrustProperties;
import org.springframework.kafka.support.ProducerListener;

import dev.verimail.mailer.config.MailerProperties;

/** The topics this service reads and writes, created at start-up if missing; the consumer policy is the messaging module's. */
@Configuration(proxyBeanMethods = false)
class KafkaConfiguration {

    @Bean
    NewTopic registrationEventsTopic(MailerProperties properties, TrustProperties trust) {
        return SecretTopics.of(properties.topics().registrationEvents(), properties.topics().partitions(), trust);
    }

    @Bean
    NewTopic registrationEventsDeadLetterTopic(MailerProperties properties, TrustProperties trust) {
        return SecretTopics.of(properties.topics().registrationEvents() + ".DLT", properties.topics().partitions(),
                trust);
    }

    /** Where {@code EmailUndeliverable} goes (the outbox relay publishes it); verification-service declares it too. */
    @Bean
    NewTopic verificationEventsTopic(MailerProperties properties) {
        return TopicBuilder.name(properties.topics().verificationEvents())
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
}
