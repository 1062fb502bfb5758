package dev.verimail.messaging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.KafkaHeaders;

/**
 * Re-publishes the records of a dead-letter topic to the topic they came from, with their key, value and own
 * headers (the {@code kafka_dlt-*} headers are dropped). What was replayed is remembered as the committed offsets of
 * the consumer group {@value #GROUP}, shared by every service and instance, so a second replay sends only what was
 * dead-lettered since. Consumers deduplicate by {@code eventId}: a record that was replayed twice changes nothing
 * twice, and one that is still unreadable simply lands on the dead-letter topic again.
 */
public class DeadLetterReplay {

    static final String GROUP = "verimail-dead-letter-replay";
    static final String SUFFIX = ".DLT";
    private static final Logger log = LoggerFactory.getLogger(DeadLetterReplay.class);
    private static final Duration POLL = Duration.ofMillis(500);

    private final ConsumerFactory<String, String> consumers;
    private final KafkaTemplate<String, String> producer;

    public DeadLetterReplay(ConsumerFactory<String, String> consumers, KafkaTemplate<String, String> producer) {
        this.consumers = consumers;
        this.producer = producer;
    }

    /** What one replay did. */
    public record Result(String deadLetterTopic, String targetTopic, int replayed) {
    }

    /** Replays {@code deadLetterTopic} (a name ending in {@code .DLT}) up to its end as of now. */
    public Result replay(String deadLetterTopic, Duration timeout) {
        if (deadLetterTopic == null || !deadLetterTopic.endsWith(SUFFIX) || deadLetterTopic.length() == SUFFIX.length()) {
            throw new IllegalArgumentException("not a dead-letter topic (name must end in " + SUFFIX + ")");
        }
        String fallbackTarget = deadLetterTopic.substring(0, deadLetterTopic.length() - SUFFIX.length());
        Map<String, Object> overrides = Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (Consumer<String, String> consumer = consumers.createConsumer(GROUP, null, null, toProperties(overrides))) {
            List<TopicPartition> partitions = partitions(consumer, deadLetterTopic, timeout);
            if (partitions.isEmpty()) {
                return new Result(deadLetterTopic, fallbackTarget, 0);
            }
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            int replayed = 0;
            while (!reached(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("replay of " + deadLetterTopic + " timed out after " + replayed
                            + " records; run it again to go on");
                }
                List<CompletableFuture<?>> sends = new ArrayList<>();
                Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
                for (ConsumerRecord<String, String> record : consumer.poll(POLL)) {
                    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                    if (record.offset() >= end.get(tp)) {
                        continue;
                    }
                    sends.add(producer.send(toOriginal(record, fallbackTarget)));
                    next.put(tp, new OffsetAndMetadata(record.offset() + 1));
                }
                await(sends, timeout);
                if (!next.isEmpty()) {
                    consumer.commitSync(next);
                    replayed += sends.size();
                }
            }
            log.info("Replayed {} dead letters from {} to their topic", replayed, deadLetterTopic);
            return new Result(deadLetterTopic, fallbackTarget, replayed);
        }
    }

    private static boolean reached(Consumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    private static List<TopicPartition> partitions(Consumer<?, ?> consumer, String topic, Duration timeout) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
        List<TopicPartition> partitions = new ArrayList<>();
        if (infos != null) {
            infos.forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        return partitions;
    }

    private static ProducerRecord<String, String> toOriginal(ConsumerRecord<String, String> record, String fallback) {
        Header original = record.headers().lastHeader(KafkaHeaders.DLT_ORIGINAL_TOPIC);
        String target = original == null ? fallback : new String(original.value(), java.nio.charset.StandardCharsets.UTF_8);
        RecordHeaders headers = new RecordHeaders();
        for (Header h : record.headers()) {
            if (!h.key().startsWith("kafka_dlt-")) {
                headers.add(h);
            }
        }
        return new ProducerRecord<>(target, null, record.key(), record.value(), headers);
    }

    private static void await(List<CompletableFuture<?>> sends, Duration timeout) {
        try {
            CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("replay interrupted", e);
        }
        catch (ExecutionException | TimeoutException e) {
            // nothing of this poll was committed: the next replay sends it again
            throw new IllegalStateException("the broker did not take the replayed records: "
                    + ConsumerStalls.describe(e), e);
        }
    }

    private static java.util.Properties toProperties(Map<String, Object> map) {
        java.util.Properties p = new java.util.Properties();
        p.putAll(map);
        return p;
    }
}
