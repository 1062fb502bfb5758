package dev.verimail.example;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;

import dev.verimail.events.CloudEventHeaders;
import dev.verimail.events.Topics;
import dev.verimail.events.verification.EmailChanged;
import dev.verimail.events.verification.EmailUndeliverable;
import dev.verimail.events.verification.EmailVerified;
import dev.verimail.events.verification.VerificationEvent;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.exc.InvalidTypeIdException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Prints every {@code EmailVerified}, {@code EmailUndeliverable} and {@code EmailChanged} on
 * {@code verification-events} once, with its
 * CloudEvents headers.
 * <p>
 * Delivery is at least once: after a crash or a rebalance, records whose offsets were not committed yet come again,
 * and the outbox of verification-service may publish an event twice. So the subscriber remembers the
 * {@code eventId}s it handled and skips repeats. Offsets are committed only after a batch was handled, so nothing is
 * lost either.
 * <p>
 * Configuration from the environment: {@code KAFKA_BOOTSTRAP_SERVERS} (default {@code localhost:9092}),
 * {@code KAFKA_GROUP_ID} (default {@code example-subscriber}), {@code VERIFICATION_EVENTS_TOPIC} (default
 * {@code verification-events}); on a broker with authentication (docker compose, any deployment) also
 * {@code KAFKA_USERNAME} and {@code KAFKA_PASSWORD}, the subscriber's own principal that the operator created for it
 * (see {@link #credentials}). Ctrl-C stops it cleanly: the poll is woken up, offsets are committed and the
 * consumer leaves its group.
 */
public final class ExampleSubscriber {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int REMEMBERED_EVENTS = 100_000;

    private final KafkaConsumer<String, String> consumer;
    private final String topic;
    private final Consumer<String> out;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;

    /*
     * Event ids already handled, the oldest forgotten first. In memory is enough for an example that only prints; a
     * real subscriber keeps them in its database (a processed_events table with eventId as primary key), written in
     * the same transaction as whatever the event changes there, so a repeat is recognised after a restart as well.
     */
    private final Set<UUID> handled = Collections.newSetFromMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<UUID, Boolean> eldest) {
            return size() > REMEMBERED_EVENTS;
        }
    });

    /**
     * @param out receives one line per new {@code EmailVerified}; {@code System.out::println} in {@link #main}
     */
    public ExampleSubscriber(String bootstrapServers, String groupId, String topic, Consumer<String> out) {
        this(bootstrapServers, groupId, Map.of(), topic, out);
    }

    /**
     * @param security the client's login, from {@link #credentials}: empty for a broker without authentication
     */
    public ExampleSubscriber(String bootstrapServers, String groupId, Map<String, String> security, String topic,
            Consumer<String> out) {
        Map<String, Object> config = new java.util.HashMap<>(security);
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        this.consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
        this.topic = topic;
        this.out = out;
    }

    public static void main(String[] args) {
        String bootstrapServers = env("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092");
        String groupId = env("KAFKA_GROUP_ID", "example-subscriber");
        String topic = env("VERIFICATION_EVENTS_TOPIC", Topics.VERIFICATION_EVENTS);
        Map<String, String> security = credentials(System.getenv("KAFKA_USERNAME"), System.getenv("KAFKA_PASSWORD"));
        ExampleSubscriber subscriber = new ExampleSubscriber(bootstrapServers, groupId, security, topic,
                System.out::println);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            subscriber.stop();
            subscriber.awaitStopped(Duration.ofSeconds(10));
        }, "example-subscriber-shutdown"));
        System.err.printf("Reading %s from %s as group %s; Ctrl-C stops.%n", topic, bootstrapServers, groupId);
        subscriber.run();
        System.err.println("Stopped.");
    }

    /** Polls until {@link #stop()} is called, handling each record and then committing the batch's offsets. */
    public void run() {
        try {
            consumer.subscribe(List.of(topic));
            while (running) {
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofSeconds(1));
                for (ConsumerRecord<String, String> record : records) {
                    handle(record);
                }
                if (!records.isEmpty()) {
                    consumer.commitSync();
                }
            }
        }
        catch (WakeupException e) {
            if (running) {
                throw e;
            }
        }
        finally {
            consumer.close(Duration.ofSeconds(5));
            stopped.countDown();
        }
    }

    /** Asks {@link #run()} to return; safe to call from any thread, such as a shutdown hook. */
    public void stop() {
        running = false;
        consumer.wakeup();
    }

    public boolean awaitStopped(Duration timeout) {
        try {
            return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Prints a record if it is an {@code EmailVerified}, an {@code EmailUndeliverable} or an {@code EmailChanged}
     * not seen before.
     *
     * @return the line printed, or {@code null} for a repeat, an unreadable record, or an event of another type
     */
    String handle(ConsumerRecord<String, String> record) {
        VerificationEvent event;
        try {
            event = JSON.readValue(record.value(), VerificationEvent.class);
        }
        catch (InvalidTypeIdException e) {
            return null; // an event type added after this subscriber was written: not ours to handle
        }
        catch (JacksonException | IllegalArgumentException e) {
            System.err.printf("Skipping unreadable record %s-%d@%d%n", record.topic(), record.partition(), record.offset());
            return null;
        }
        String line;
        if (event instanceof EmailVerified verified && verified.eventId() != null) {
            if (!handled.add(verified.eventId())) {
                return null;
            }
            line = String.format("EmailVerified userId=%d email=%s verifiedAt=%s eventId=%s | %s", verified.userId(),
                    verified.email(), verified.verifiedAt(), verified.eventId(), headers(record));
        }
        else if (event instanceof EmailUndeliverable undeliverable && undeliverable.eventId() != null) {
            // the mail provider could not reach the address: a subscriber might pause mail to it, or flag the account
            if (!handled.add(undeliverable.eventId())) {
                return null;
            }
            line = String.format("EmailUndeliverable userId=%d email=%s reason=%s eventId=%s | %s",
                    undeliverable.userId(), undeliverable.email(), undeliverable.reason(), undeliverable.eventId(),
                    headers(record));
        }
        else if (event instanceof EmailChanged changed && changed.eventId() != null && changed.email() != null
                && changed.previousEmail() != null) {
            // the user's address changed (the new one was verified, its EmailVerified came just before): a
            // subscriber that keeps addresses moves the user to the new one
            if (!handled.add(changed.eventId())) {
                return null;
            }
            line = String.format("EmailChanged userId=%d previousEmail=%s email=%s changedAt=%s eventId=%s | %s",
                    changed.userId(), changed.previousEmail(), changed.email(), changed.changedAt(),
                    changed.eventId(), headers(record));
        }
        else {
            return null;
        }
        out.accept(line);
        return line;
    }

    private static String headers(ConsumerRecord<?, ?> record) {
        return String.format("%s=%s %s=%s %s=%s %s=%s %s=%s %s=%s",
                CloudEventHeaders.SPEC_VERSION, header(record, CloudEventHeaders.SPEC_VERSION),
                CloudEventHeaders.ID, header(record, CloudEventHeaders.ID),
                CloudEventHeaders.TYPE, header(record, CloudEventHeaders.TYPE),
                CloudEventHeaders.SOURCE, header(record, CloudEventHeaders.SOURCE),
                CloudEventHeaders.TIME, header(record, CloudEventHeaders.TIME),
                CloudEventHeaders.CONTENT_TYPE, header(record, CloudEventHeaders.CONTENT_TYPE));
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? "-" : new String(header.value(), StandardCharsets.UTF_8);
    }

    /**
     * How a subscriber logs in to verimail's Kafka: the operator creates a SCRAM principal for it (docs/security.md, "Kafka:
     * principals and ACLs") that may read {@code verification-events} in its own consumer group, and gives it the
     * username and password. They become the three client properties below (SASL_PLAINTEXT; use SASL_SSL and a trust
     * store where the broker has TLS).
     *
     * @return nothing without a username: the broker of the local stack takes no credentials
     */
    static Map<String, String> credentials(String username, String password) {
        if (username == null || username.isBlank()) {
            return Map.of();
        }
        if (password == null || password.isEmpty()) {
            throw new IllegalArgumentException("KAFKA_USERNAME is set but KAFKA_PASSWORD is not");
        }
        return Map.of("security.protocol", "SASL_PLAINTEXT",
                "sasl.mechanism", "SCRAM-SHA-256",
                "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username="
                        + quoted(username.trim()) + " password=" + quoted(password) + ";");
    }

    private static String quoted(String value) {
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
