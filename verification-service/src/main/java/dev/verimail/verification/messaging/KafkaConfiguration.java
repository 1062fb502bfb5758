package dev.verimail.verification.messaging;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.ProducerListener;
import org.springframework.util.backoff.ExponentialBackOff;

import dev.verimail.verification.config.VerificationProperties;

@Configuration(proxyBeanMethods = false)
class KafkaConfiguration {

    private static final Logger log = LoggerFactory.getLogger(KafkaConfiguration.class);

    @Bean
    NewTopic registrationEventsTopic(VerificationProperties properties) {
        return TopicBuilder.name(properties.topics().registrationEvents())
                .partitions(properties.topics().partitions()).build();
    }

    @Bean
    NewTopic registrationEventsDeadLetterTopic(VerificationProperties properties) {
        return TopicBuilder.name(properties.topics().registrationEvents() + ".DLT")
                .partitions(properties.topics().partitions()).build();
    }

    @Bean
    NewTopic verificationEventsTopic(VerificationProperties properties) {
        return TopicBuilder.name(properties.topics().verificationEvents())
                .partitions(properties.topics().partitions()).build();
    }

    /**
     * Unreadable records go to {@code <topic>.DLT} at once, with the exception in the {@code kafka_dlt-*} headers;
     * other failures (the database is down, say) are retried with backoff for about a minute before the record is
     * parked there too, so one bad record never blocks its partition. Log lines name the record by its position
     * only: values on {@code registration-events} hold authcodes.
     */
    @Bean
    DefaultErrorHandler kafkaErrorHandler(ProducerFactory<String, String> producers) {
        KafkaTemplate<String, String> template = new KafkaTemplate<>(producers);
        // the default listener logs the start of a payload it failed to send, which may be an authcode
        template.setProducerListener(new ProducerListener<>() {
        });
        DeadLetterPublishingRecoverer recoverer = new DeadLetterPublishingRecoverer(template, (record, e) -> {
            log.error("Giving up on record {}-{}@{}: {}; moved to {}.DLT", record.topic(), record.partition(),
                    record.offset(), rootMessage(e), record.topic());
            return new TopicPartition(record.topic() + ".DLT", -1);
        });
        ExponentialBackOff backOff = new ExponentialBackOff(500, 2);
        backOff.setMaxInterval(10_000);
        backOff.setMaxElapsedTime(60_000);
        DefaultErrorHandler handler = new DefaultErrorHandler(recoverer, backOff);
        handler.addNotRetryableExceptions(UnreadableEventException.class);
        return handler;
    }

    private static String rootMessage(Exception e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t instanceof UnreadableEventException ? t.getMessage() : t.getClass().getSimpleName();
    }
}
