package dev.verimail.outbox;

import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.SerializationException;
import org.springframework.kafka.KafkaException;

/**
 * Tells a failure of one record from a failure of the broker. Only the first counts toward a row's attempts: an
 * outage (timeouts, disconnection, not enough replicas, any retriable error, anything unknown) must never move rows
 * aside, however long it lasts.
 */
final class PublishFailures {

    /** Errors the broker or client gives for this record and would give again however often it is sent. */
    private static final List<Class<? extends Throwable>> RECORD_SPECIFIC = List.of(RecordTooLargeException.class,
            RecordBatchTooLargeException.class, InvalidTopicException.class, InvalidRecordException.class,
            SerializationException.class);

    private PublishFailures() {
    }

    /**
     * The Kafka error under the wrappers of the future and of spring-kafka ({@code KafkaProducerException} for a
     * failed ack, {@code KafkaException("Send failed")} for an error the producer threw at once, as it does for an
     * invalid topic name).
     */
    static Throwable unwrap(Throwable error) {
        Throwable t = error;
        while ((t instanceof KafkaException || t instanceof ExecutionException
                || t instanceof CompletionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    static boolean isRecordSpecific(Throwable error) {
        Throwable t = unwrap(error);
        if (t instanceof RetriableException) {
            return false;
        }
        return RECORD_SPECIFIC.stream().anyMatch(type -> type.isInstance(t));
    }
}
