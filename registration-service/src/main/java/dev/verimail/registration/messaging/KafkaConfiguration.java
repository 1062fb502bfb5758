package dev.verimail.registration.messaging;

import org.apache.kafka.clients.admin.NewTopic;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;

import dev.verimail.messaging.SecretTopics;
import dev.verimail.messaging.TrustProperties;

import dev.verimail.registration.config.RegistrationProperties;

/** The topics this service writes or reads, created at start-up if missing; the consumer policy is the messaging module's. */
@Configuration(proxyBeanMethods = false)
class KafkaConfiguration {

    @Bean
    NewTopic registrationEventsTopic(RegistrationProperties properties, TrustProperties trust) {
        if (trust.registrationRetention().compareTo(properties.verificationTtl()) < 0) {
            LoggerFactory.getLogger(KafkaConfiguration.class).warn("{} keeps records {} but links live {}: a "
                    + "consumer that is down longer than the retention loses challenges whose links still work "
                    + "(VERIMAIL_TRUST_REGISTRATION_RETENTION, REGISTRATION_VERIFICATION_TTL)",
                    properties.topics().registrationEvents(), trust.registrationRetention(),
                    properties.verificationTtl());
        }
        return SecretTopics.of(properties.topics().registrationEvents(), properties.topics().partitions(), trust);
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
