package dev.verimail.testbed;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a topic from its beginning, as an independent subscriber would, and remembers every record it saw.
 */
public final class TopicReader implements AutoCloseable {

    private final KafkaConsumer<String, String> consumer;
    private final List<ConsumerRecord<String, String>> seen = new ArrayList<>();

    private TopicReader(Map<String, Object> client, String topic) {
        Map<String, Object> config = new java.util.HashMap<>(client);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "test-reader-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
        consumer.subscribe(List.of(topic));
    }

    public static TopicReader fromBeginning(String bootstrapServers, String topic) {
        return new TopicReader(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), topic);
    }

    /**
     * With client properties of its own: a secured broker's (bootstrap servers and SASL login, e.g.
     * {@link SecuredKafkaTestBed#clientProperties}). The principal needs to read the topic in any group.
     */
    public static TopicReader fromBeginning(Map<String, Object> client, String topic) {
        return new TopicReader(client, topic);
    }

    /** Waits until {@code count} records matching {@code match} were seen; fails after {@code timeout}. */
    public List<ConsumerRecord<String, String>> await(Predicate<ConsumerRecord<String, String>> match, int count,
            Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            List<ConsumerRecord<String, String>> matching = matching(match);
            if (matching.size() >= count) {
                return matching;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("Expected " + count + " matching record(s) within " + timeout + ", saw "
                        + matching.size() + " of " + seen.size() + " record(s): " + seen);
            }
            poll(Duration.ofMillis(200));
        }
    }

    /** Reads for {@code duration} and returns every record matching {@code match} seen so far. */
    public List<ConsumerRecord<String, String>> readFor(Duration duration, Predicate<ConsumerRecord<String, String>> match) {
        Instant until = Instant.now().plus(duration);
        while (Instant.now().isBefore(until)) {
            poll(Duration.ofMillis(200));
        }
        return matching(match);
    }

    public List<ConsumerRecord<String, String>> seen() {
        return List.copyOf(seen);
    }

    private List<ConsumerRecord<String, String>> matching(Predicate<ConsumerRecord<String, String>> match) {
        return seen.stream().filter(match).toList();
    }

    private void poll(Duration duration) {
        consumer.poll(duration).forEach(seen::add);
    }

    public static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(2));
    }
}
