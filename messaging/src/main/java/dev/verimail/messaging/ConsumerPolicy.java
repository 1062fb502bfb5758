package dev.verimail.messaging;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * What every batch listener of verimail does with a poll: read each record, send the unreadable ones to
 * {@code <topic>.DLT} at once (the rest of the batch goes on), apply the others in one call, and report the topic
 * healthy. Anything the apply step throws goes to the container's error handler
 * ({@link MessagingAutoConfiguration#kafkaErrorHandler}), which retries the whole batch for as long as it fails;
 * consumers are idempotent by {@code eventId}, so a retried batch changes nothing twice.
 */
public class ConsumerPolicy {

    private static final Logger log = LoggerFactory.getLogger(ConsumerPolicy.class);

    private final DeadLetterPublishingRecoverer deadLetters;
    private final ConsumerStalls stalls;
    private final MeterRegistry meters;

    public ConsumerPolicy(DeadLetterPublishingRecoverer deadLetters, ConsumerStalls stalls, MeterRegistry meters) {
        this.deadLetters = deadLetters;
        this.stalls = stalls;
        this.meters = meters;
    }

    /**
     * @param records  one poll
     * @param consumer the poll's consumer (the dead-letter publisher needs it)
     * @param reader   record to event; {@code null} skips, {@link UnreadableEventException} dead-letters
     * @param apply    applies the readable events, all or nothing (one transaction)
     */
    public <E> void consume(List<ConsumerRecord<String, String>> records, Consumer<?, ?> consumer,
            RecordReader<E> reader, java.util.function.Consumer<List<E>> apply) {
        List<E> events = new ArrayList<>(records.size());
        List<ConsumerRecord<String, String>> unreadable = new ArrayList<>();
        List<UnreadableEventException> reasons = new ArrayList<>();
        Set<String> topics = new LinkedHashSet<>();
        for (ConsumerRecord<String, String> record : records) {
            topics.add(record.topic());
            try {
                E event = reader.read(record);
                if (event != null) {
                    events.add(event);
                }
            }
            catch (UnreadableEventException e) {
                unreadable.add(record);
                reasons.add(e);
            }
        }
        if (!events.isEmpty()) {
            apply.accept(events);
        }
        for (int i = 0; i < unreadable.size(); i++) {
            ConsumerRecord<String, String> record = unreadable.get(i);
            // after the apply: if the broker refuses the dead letter, the retried batch finds its events applied
            deadLetters.accept(record, consumer, reasons.get(i));
            meters.counter("verimail.consumer.dead.letters", "topic", record.topic()).increment();
            log.error("Unreadable record {}-{}@{} moved to {}.DLT: {}", record.topic(), record.partition(),
                    record.offset(), record.topic(), reasons.get(i).getMessage());
        }
        topics.forEach(stalls::succeeded);
    }
}
