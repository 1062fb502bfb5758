package dev.verimail.messaging;

import java.time.Duration;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.springframework.kafka.config.TopicBuilder;

/**
 * The topics that carry challenges ({@code registration-events} and its DLT) as every service creates them at
 * start-up: kept about as long as a link lives ({@link TrustProperties#registrationRetention()}), not the broker's
 * week. Segments roll at least hourly, because Kafka deletes only whole closed segments: with the default 1 GiB
 * segment a quiet topic would keep its records far past the retention. With
 * {@code spring.kafka.admin.modify-topic-configs=true} the services also correct a topic created earlier with other
 * settings.
 */
public final class SecretTopics {

    private SecretTopics() {
    }

    public static NewTopic of(String name, int partitions, TrustProperties trust) {
        Duration retention = trust.registrationRetention();
        Duration segment = retention.compareTo(Duration.ofHours(1)) < 0 ? retention : Duration.ofHours(1);
        return TopicBuilder.name(name).partitions(partitions)
                .config(TopicConfig.RETENTION_MS_CONFIG, Long.toString(retention.toMillis()))
                .config(TopicConfig.SEGMENT_MS_CONFIG, Long.toString(segment.toMillis()))
                .build();
    }
}
