package dev.verimail.localkafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A secured broker with {@link KafkaAccess#verimail()}'s users and ACLs: each principal may do what the policy says
 * and nothing else, and a client without valid credentials does not get in. The passwords are test values.
 */
class SecuredLocalKafkaTests {

    // test-only passwords, never a deployment's
    static final String ADMIN_PASSWORD = "test-admin-password";
    static final Map<String, String> PASSWORDS = Map.of(
            KafkaAccess.REGISTRATION, "test-registration-password",
            KafkaAccess.MAILER, "test-mailer-password",
            KafkaAccess.VERIFICATION, "test-verification-password",
            KafkaAccess.SUBSCRIBER, "test-subscriber-\"quoted\\password");

    @TempDir
    static Path dir;

    static LocalKafka kafka;

    @BeforeAll
    static void start() throws Exception {
        kafka = LocalKafka.secured(dir, LocalKafka.freePort(), LocalKafka.freePort(), 3, ADMIN_PASSWORD).start();
        kafka.grant(KafkaAccess.verimail(), PASSWORDS);
        try (Admin admin = Admin.create(kafka.adminClientProperties())) {
            admin.createTopics(List.of(new NewTopic(KafkaAccess.REGISTRATION_EVENTS, 3, (short) 1),
                    new NewTopic(KafkaAccess.VERIFICATION_EVENTS, 3, (short) 1),
                    new NewTopic(KafkaAccess.REGISTRATION_EVENTS + KafkaAccess.DLT, 3, (short) 1)))
                    .all().get(30, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.stop();
        }
    }

    @Test
    void eachServiceWritesItsOwnTopicAndItsReadersReadIt() throws Exception {
        send(KafkaAccess.REGISTRATION, KafkaAccess.REGISTRATION_EVENTS, "signed up");
        send(KafkaAccess.VERIFICATION, KafkaAccess.VERIFICATION_EVENTS, "verified");
        send(KafkaAccess.MAILER, KafkaAccess.REGISTRATION_EVENTS + KafkaAccess.DLT, "unreadable");

        assertThat(read(KafkaAccess.MAILER, "mailer-registration-events", KafkaAccess.REGISTRATION_EVENTS))
                .contains("signed up");
        assertThat(read(KafkaAccess.VERIFICATION, "verification-challenges", KafkaAccess.REGISTRATION_EVENTS))
                .contains("signed up");
        assertThat(read(KafkaAccess.REGISTRATION, "registration-email-verified", KafkaAccess.VERIFICATION_EVENTS))
                .contains("verified");
        assertThat(read(KafkaAccess.SUBSCRIBER, KafkaAccess.SUBSCRIBER_GROUP, KafkaAccess.VERIFICATION_EVENTS))
                .contains("verified");
    }

    /**
     * The subscriber, which may write nowhere, is refused even the idempotent producer's id
     * (ClusterAuthorizationException). The mailer writes verification-events too (EmailUndeliverable), and so does
     * registration (EmailChanged): consumers believe from each only its type, by its ce_source (TrustedProducer),
     * not EmailVerified.
     */
    @Test
    void verificationTheMailerAndRegistrationWriteVerificationEventsTheSubscriberDoesNot() throws Exception {
        send(KafkaAccess.MAILER, KafkaAccess.VERIFICATION_EVENTS, "undeliverable");
        send(KafkaAccess.REGISTRATION, KafkaAccess.VERIFICATION_EVENTS, "changed");
        for (String user : List.of(KafkaAccess.SUBSCRIBER)) {
            assertThatThrownBy(() -> send(user, KafkaAccess.VERIFICATION_EVENTS, "forged " + user))
                    .as(user).hasRootCauseInstanceOf(AuthorizationException.class);
        }
    }

    @Test
    void onlyRegistrationWritesRegistrationEvents() {
        for (String user : List.of(KafkaAccess.MAILER, KafkaAccess.VERIFICATION, KafkaAccess.SUBSCRIBER)) {
            assertThatThrownBy(() -> send(user, KafkaAccess.REGISTRATION_EVENTS, "forged " + user))
                    .as(user).hasRootCauseInstanceOf(AuthorizationException.class);
        }
    }

    @Test
    void aSubscriberReadsVerificationEventsButNotRegistrationEventsNorOtherGroups() {
        assertThatThrownBy(() -> read(KafkaAccess.SUBSCRIBER, KafkaAccess.SUBSCRIBER_GROUP,
                KafkaAccess.REGISTRATION_EVENTS)).isInstanceOf(TopicAuthorizationException.class);
        assertThatThrownBy(() -> read(KafkaAccess.SUBSCRIBER, "mailer-registration-events",
                KafkaAccess.VERIFICATION_EVENTS)).isInstanceOf(GroupAuthorizationException.class);
    }

    @Test
    void noServiceMayCreateTopicsOfItsOwnChoosing() {
        try (Admin admin = Admin.create(clientConfig(KafkaAccess.REGISTRATION, PASSWORDS.get(KafkaAccess.REGISTRATION)))) {
            assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("anything", 1, (short) 1))).all()
                    .get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(TopicAuthorizationException.class);
        }
    }

    @Test
    void aServiceCreatesTheTopicsItDeclares() throws Exception {
        try (Admin admin = Admin.create(clientConfig(KafkaAccess.REGISTRATION, PASSWORDS.get(KafkaAccess.REGISTRATION)))) {
            admin.createTopics(List.of(new NewTopic(KafkaAccess.VERIFICATION_EVENTS + KafkaAccess.DLT, 3, (short) 1)))
                    .all().get(30, TimeUnit.SECONDS);
            // the broker's metadata may lag the controller's answer for a moment
            long deadline = System.currentTimeMillis() + 15_000;
            Set<String> topics = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            while (!topics.contains(KafkaAccess.VERIFICATION_EVENTS + KafkaAccess.DLT)
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
                topics = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            }
            assertThat(topics).contains(KafkaAccess.VERIFICATION_EVENTS + KafkaAccess.DLT);
        }
    }

    @Test
    void aWrongPasswordOrNoCredentialsDoNotGetIn() {
        Map<String, Object> wrong = clientConfig(KafkaAccess.VERIFICATION, "not-the-password");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(wrong, new StringSerializer(),
                new StringSerializer())) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(KafkaAccess.VERIFICATION_EVENTS, "k", "v"))
                    .get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(SaslAuthenticationException.class);
        }
        Map<String, Object> none = new HashMap<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(), ProducerConfig.MAX_BLOCK_MS_CONFIG, 3000));
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(none, new StringSerializer(),
                new StringSerializer())) {
            // a plaintext client never gets past the SASL handshake: no metadata, so the send times out
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(KafkaAccess.VERIFICATION_EVENTS, "k", "v"))
                    .get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .rootCause().isNotInstanceOf(AuthenticationException.class).hasMessageContaining("not present in metadata");
        }
    }

    @Test
    void theAdminPasswordIsCheckedAndTheConfigurationThatHoldsItIsPrivate() throws Exception {
        for (String bad : List.of("", "a,b", "a]b", "a\"b", "a\\b", "a b")) {
            assertThatThrownBy(() -> LocalKafka.secured(dir, 1, 2, 1, bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        if (!java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return; // Windows
        }
        assertThat(java.nio.file.Files.getPosixFilePermissions(dir.resolve("server.properties")))
                .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
    }

    @Test
    void thePolicyNamesEveryPrincipal() {
        assertThat(KafkaAccess.verimail().principals()).containsExactlyInAnyOrder(KafkaAccess.REGISTRATION,
                KafkaAccess.MAILER, KafkaAccess.VERIFICATION, KafkaAccess.SUBSCRIBER);
        assertThat(Set.copyOf(KafkaAccess.verimail().aclBindings())).hasSameSizeAs(KafkaAccess.verimail().aclBindings());
    }

    private static void send(String user, String topic, String value) throws Exception {
        Map<String, Object> config = clientConfig(user, PASSWORDS.get(user));
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(),
                new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "k", value)).get(30, TimeUnit.SECONDS);
        }
    }

    private static List<String> read(String user, String group, String topic) {
        Map<String, Object> config = clientConfig(user, PASSWORDS.get(user));
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + 30_000;
            while (values.isEmpty() && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
            }
        }
        return values;
    }

    private static Map<String, Object> clientConfig(String user, String password) {
        Map<String, Object> config = new HashMap<>(LocalKafka.saslClientProperties(user, password));
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        return config;
    }
}
