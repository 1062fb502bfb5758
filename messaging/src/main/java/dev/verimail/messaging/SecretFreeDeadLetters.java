package dev.verimail.messaging;

import java.nio.charset.StandardCharsets;
import java.util.function.BiFunction;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Dead letters that keep what an operator needs to replay a record and no secret: a JSON value loses its
 * {@code authcode} field (a v1 challenge's secret in clear; a v2 record's {@code sealedAuthcode} stays, it is
 * ciphertext), and a value that is not a JSON object is not copied at all (nobody can tell what it holds, and it
 * could not be replayed anyway). Either change is marked with the header {@value #REDACTED} so the operator
 * knows.
 */
public class SecretFreeDeadLetters extends DeadLetterPublishingRecoverer {

    /** Header on a dead letter whose value was changed: {@code authcode-removed} or {@code value-dropped}. */
    public static final String REDACTED = "verimail_dlt-redacted";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    public SecretFreeDeadLetters(KafkaOperations<?, ?> template,
            BiFunction<ConsumerRecord<?, ?>, Exception, TopicPartition> destination) {
        super(template, destination);
    }

    @Override
    protected ProducerRecord<Object, Object> createProducerRecord(ConsumerRecord<?, ?> record,
            TopicPartition topicPartition, Headers headers, byte[] key, byte[] value) {
        Object original = value != null ? new String(value, StandardCharsets.UTF_8) : record.value();
        Object kept = original;
        if (original != null) {
            kept = redacted(original instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8)
                    : original.toString(), headers);
        }
        return new ProducerRecord<>(topicPartition.topic(),
                topicPartition.partition() < 0 ? null : topicPartition.partition(),
                key != null ? key : record.key(), kept, headers);
    }

    static String redacted(String value, Headers headers) {
        JsonNode json;
        try {
            json = JSON.readTree(value);
        }
        catch (JacksonException e) {
            json = null;
        }
        if (!(json instanceof ObjectNode object)) {
            headers.add(REDACTED, "value-dropped".getBytes(StandardCharsets.UTF_8));
            return null;
        }
        if (object.has("authcode")) {
            object.remove("authcode");
            headers.add(REDACTED, "authcode-removed".getBytes(StandardCharsets.UTF_8));
            return JSON.writeValueAsString(object);
        }
        return value;
    }
}
