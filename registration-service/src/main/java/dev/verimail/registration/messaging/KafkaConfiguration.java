package dev.verimail.registration.messaging;

import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;

import dev.verimail.registration.config.RegistrationProperties;

/** The topics this service writes or reads, created at start-up if missing; the consumer policy is the messaging module's. */
@Configuration(proxyBeanMethods = false)
class KafkaConfiguration {

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

    @Bean
    NewTopic verificationEventsDeadLetterTopic(RegistrationProperties properties) {
        return TopicBuilder.name(properties.topics().verificationEvents() + ".DLT")
                .partitions(properties.topics().partitions()).build();
    }
}
