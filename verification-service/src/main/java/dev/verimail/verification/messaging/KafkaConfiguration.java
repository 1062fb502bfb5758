package dev.verimail.verification.messaging;

import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;

import dev.verimail.messaging.SecretTopics;
import dev.verimail.messaging.TrustProperties;

import dev.verimail.verification.config.VerificationProperties;

/** The topics this service writes or reads, created at start-up if missing; the consumer policy is the messaging module's. */
@Configuration(proxyBeanMethods = false)
class KafkaConfiguration {

    @Bean
    NewTopic registrationEventsTopic(VerificationProperties properties, TrustProperties trust) {
        return SecretTopics.of(properties.topics().registrationEvents(), properties.topics().partitions(), trust);
    }

    @Bean
    NewTopic registrationEventsDeadLetterTopic(VerificationProperties properties, TrustProperties trust) {
        return SecretTopics.of(properties.topics().registrationEvents() + ".DLT", properties.topics().partitions(),
                trust);
    }

    @Bean
    NewTopic verificationEventsTopic(VerificationProperties properties) {
        return TopicBuilder.name(properties.topics().verificationEvents())
                .partitions(properties.topics().partitions()).build();
    }
}
