package dev.verimail.testbed;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.FileSystemUtils;

import dev.verimail.localkafka.KafkaAccess;
import dev.verimail.localkafka.LocalKafka;

/**
 * The test bed ({@link TestBedInitializer}) with a broker of the context's own that takes only SASL/SCRAM clients
 * and enforces ACLs: {@link LocalKafka#secured} with every principal of {@link KafkaAccess#verimail()} and its ACLs,
 * passwords {@link #PASSWORDS}. No topic exists at first; the service creates the ones it declares, as its ACLs allow.
 * <p>
 * Use it instead of {@link ServiceTest}, pointing the service at the broker and giving it its principal:
 * <pre>
 * &#64;SpringBootTest(webEnvironment = RANDOM_PORT, properties = {
 *         "spring.kafka.bootstrap-servers=${" + SecuredKafkaTestBed.BOOTSTRAP_SERVERS + "}",
 *         "VERIMAIL_KAFKA_USERNAME=registration",
 *         "VERIMAIL_KAFKA_PASSWORD=" + SecuredKafkaTestBed.REGISTRATION_PASSWORD })
 * &#64;ContextConfiguration(initializers = SecuredKafkaTestBed.class)
 * &#64;DirtiesContext
 * </pre>
 */
public class SecuredKafkaTestBed implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    /** The property that holds the secured broker's bootstrap servers. */
    public static final String BOOTSTRAP_SERVERS = "verimail.test.secured-kafka.bootstrap-servers";

    // test-only passwords, never a deployment's
    public static final String ADMIN_PASSWORD = "test-only-admin-password";
    public static final String REGISTRATION_PASSWORD = "test-only-registration-password";
    public static final String MAILER_PASSWORD = "test-only-mailer-password";
    public static final String VERIFICATION_PASSWORD = "test-only-verification-password";
    public static final String SUBSCRIBER_PASSWORD = "test-only-subscriber-password";
    public static final Map<String, String> PASSWORDS = Map.of(KafkaAccess.REGISTRATION, REGISTRATION_PASSWORD,
            KafkaAccess.MAILER, MAILER_PASSWORD, KafkaAccess.VERIFICATION, VERIFICATION_PASSWORD,
            KafkaAccess.SUBSCRIBER, SUBSCRIBER_PASSWORD);

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        Path dir;
        try {
            dir = Files.createTempDirectory("verimail-secured-kafka");
        }
        catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        LocalKafka kafka = LocalKafka.secured(dir, LocalKafka.freePort(), LocalKafka.freePort(), 6, ADMIN_PASSWORD)
                .start();
        kafka.grant(KafkaAccess.verimail(), PASSWORDS);
        // registered first, destroyed last: after the listeners and producers of the context have stopped
        context.getBeanFactory().registerSingleton("verimailSecuredKafkaBroker", (DisposableBean) () -> {
            kafka.stop();
            FileSystemUtils.deleteRecursively(dir);
        });
        context.getEnvironment().getPropertySources().addLast(new MapPropertySource("verimail-secured-kafka",
                Map.of(BOOTSTRAP_SERVERS, kafka.bootstrapServers())));
        new TestBedInitializer().initialize(context);
    }

    /**
     * Client properties for a producer, consumer or admin that logs in as {@code user} (one of {@link #PASSWORDS},
     * or {@link KafkaAccess#ADMIN}, the super user).
     */
    public static Map<String, Object> clientProperties(String bootstrapServers, String user) {
        String password = user.equals(KafkaAccess.ADMIN) ? ADMIN_PASSWORD : PASSWORDS.get(user);
        Map<String, Object> properties = new HashMap<>(LocalKafka.saslClientProperties(user, password));
        properties.put("bootstrap.servers", bootstrapServers);
        return properties;
    }

    /**
     * Creates verimail's four topics as the super user, as docker compose's {@code kafka-setup} does before any service
     * starts (the challenge topics with a day's retention): a secured broker creates no topic by itself, and a
     * service's own creation at start-up is a single try that a loaded machine can time out. Topics that exist are
     * kept.
     */
    public static void createTopics(Map<String, Object> adminClient) {
        Map<String, String> secret = Map.of("retention.ms", "86400000", "segment.ms", "3600000");
        List<org.apache.kafka.clients.admin.NewTopic> topics = List.of(
                new org.apache.kafka.clients.admin.NewTopic(KafkaAccess.REGISTRATION_EVENTS, 6, (short) 1).configs(secret),
                new org.apache.kafka.clients.admin.NewTopic(KafkaAccess.REGISTRATION_EVENTS + KafkaAccess.DLT, 6, (short) 1)
                        .configs(secret),
                new org.apache.kafka.clients.admin.NewTopic(KafkaAccess.VERIFICATION_EVENTS, 6, (short) 1),
                new org.apache.kafka.clients.admin.NewTopic(KafkaAccess.VERIFICATION_EVENTS + KafkaAccess.DLT, 6, (short) 1));
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(adminClient)) {
            for (var entry : admin.createTopics(topics).values().entrySet()) {
                try {
                    entry.getValue().get(60, TimeUnit.SECONDS);
                }
                catch (java.util.concurrent.ExecutionException e) {
                    if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
                        throw new IllegalStateException("could not create " + entry.getKey(), e.getCause());
                    }
                }
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("the broker did not create the topics within 60 s", e);
        }
    }

    /** Sends one record as {@code user} and waits for the broker's answer (an authorization error, say). */
    public static void send(String bootstrapServers, String user, String topic, String key, String value)
            throws Exception {
        Map<String, Object> config = clientProperties(bootstrapServers, user);
        config.put("max.block.ms", 5000);
        config.put("request.timeout.ms", 5000);
        config.put("delivery.timeout.ms", 10_000);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(),
                new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        }
    }

    /** Reads {@code topic} from its beginning as the super user until a record with {@code key} comes (60 s at most). */
    public static ConsumerRecord<String, String> awaitRecord(String bootstrapServers, String topic, String key) {
        Map<String, Object> config = clientProperties(bootstrapServers, KafkaAccess.ADMIN);
        config.put("group.id", "test-admin-reader-" + UUID.randomUUID());
        config.put("auto.offset.reset", "earliest");
        config.put("enable.auto.commit", false);
        List<ConsumerRecord<String, String>> seen = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    seen.add(record);
                    if (key.equals(record.key())) {
                        return record;
                    }
                }
            }
        }
        throw new AssertionError("no record with key " + key + " on " + topic + " within 60 s; saw " + seen.size());
    }
}
