package dev.verimail.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ContextConfiguration;

import dev.verimail.events.Topics;
import dev.verimail.events.registration.RegistrationEvent;
import dev.verimail.events.registration.UserRegistered;
import dev.verimail.localkafka.KafkaAccess;
import dev.verimail.events.verification.EmailUndeliverable;
import dev.verimail.events.verification.EmailVerified;
import dev.verimail.outbox.CloudEventRecords;
import dev.verimail.outbox.EventJson;
import dev.verimail.testbed.SecuredKafkaTestBed;
import dev.verimail.testbed.TestHttp;
import tools.jackson.databind.json.JsonMapper;

/**
 * registration-service against a broker with SASL/SCRAM and ACLs ({@link KafkaAccess#verimail()}), logged in as
 * {@code registration} through {@code VERIMAIL_KAFKA_USERNAME}/{@code _PASSWORD}: it creates its topics, its outbox
 * relay publishes a sign-up's {@code UserRegistered} to {@code registration-events}, where the mailer's principal
 * reads it; no credentials at all cannot write {@code verification-events}, which verification-service, the mailer
 * (its {@code EmailUndeliverable}) and this service (its {@code EmailChanged}) write; an {@code EmailVerified} under
 * this service's own source is dead-lettered. A record on that topic written with
 * verification's own credentials but a foreign {@code ce_source} marks nobody VERIFIED, nor does an
 * {@code EmailVerified} under the mailer's source.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.kafka.bootstrap-servers=${" + SecuredKafkaTestBed.BOOTSTRAP_SERVERS + "}",
        "VERIMAIL_KAFKA_USERNAME=" + KafkaAccess.REGISTRATION,
        "VERIMAIL_KAFKA_PASSWORD=" + SecuredKafkaTestBed.REGISTRATION_PASSWORD })
@ContextConfiguration(initializers = SecuredKafkaTestBed.class)
@DirtiesContext
class SecuredKafkaTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Value("${spring.kafka.bootstrap-servers}")
    String bootstrapServers;

    @Autowired
    ProducerFactory<String, String> producers;

    @Test
    void aSignUpsUserRegisteredReachesRegistrationEventsWhereTheMailerReadsIt() {
        HttpResponse<String> response = TestHttp.localhost(port).postJson("/api/registrations",
                "{\"name\":\"Ada Lovelace\",\"email\":\"ada@example.com\"}");
        assertThat(response.statusCode()).isEqualTo(202);
        long id = JSON.readTree(response.body()).get("id").asLong();

        ConsumerRecord<String, String> record = readAsMailer(Topics.REGISTRATION_EVENTS, Long.toString(id));
        UserRegistered event = (UserRegistered) EventJson.read(record.value(), RegistrationEvent.class);
        assertThat(event.userId()).isEqualTo(id);
        assertThat(event.email()).isEqualTo("ada@example.com");
    }

    @Test
    void theServiceCreatedTheTopicsItDeclaresAsItsAclsAllow() throws Exception {
        try (Admin admin = Admin.create(SecuredKafkaTestBed.clientProperties(bootstrapServers, KafkaAccess.REGISTRATION))) {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains(Topics.REGISTRATION_EVENTS,
                            Topics.VERIFICATION_EVENTS, Topics.VERIFICATION_EVENTS + ".DLT"));
        }
    }

    /**
     * The mailer may write verification-events (its outbox publishes EmailUndeliverable there): its EmailUndeliverable
     * marks the pending user UNDELIVERABLE, while an EmailVerified under the mailer's ce_source is dead-lettered and
     * marks nobody VERIFIED (each type is believed from its one producer's source).
     */
    @Test
    void theMailersCredentialsWriteEmailUndeliverableButNoEmailVerifiedUnderItsSource() throws Exception {
        TestHttp http = TestHttp.localhost(port);
        long bounced = JSON.readTree(http.postJson("/api/registrations",
                "{\"name\":\"B\",\"email\":\"bounced@example.com\"}").body()).get("id").asLong();
        long claimed = JSON.readTree(http.postJson("/api/registrations",
                "{\"name\":\"C\",\"email\":\"claimed@example.com\"}").body()).get("id").asLong();
        UserRegistered registered = (UserRegistered) EventJson.read(
                readAsMailer(Topics.REGISTRATION_EVENTS, Long.toString(bounced)).value(), RegistrationEvent.class);
        Map<String, Object> mailer = SecuredKafkaTestBed.clientProperties(bootstrapServers, KafkaAccess.MAILER);
        Instant now = Instant.now();
        send(mailer, emailVerified(claimed, "claimed@example.com", MAILER_SOURCE, now));
        EmailUndeliverable undeliverable = new EmailUndeliverable(UUID.randomUUID(), now, bounced,
                "bounced@example.com", registered.eventId(), EmailUndeliverable.Reason.INVALID, "invalid", 406);
        send(mailer, CloudEventRecords.of(Topics.VERIFICATION_EVENTS, undeliverable.key(),
                undeliverable.eventId().toString(), undeliverable.cloudEventType(), MAILER_SOURCE, now,
                EventJson.write(undeliverable)));

        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> "UNDELIVERABLE".equals(
                JSON.readTree(http.get("/api/registrations/" + bounced).body()).get("status").asString()));
        ConsumerRecord<String, String> parked = SecuredKafkaTestBed.awaitRecord(bootstrapServers,
                Topics.VERIFICATION_EVENTS + ".DLT", Long.toString(claimed));
        assertThat(dev.verimail.testbed.TopicReader.header(parked, "kafka_dlt-exception-message"))
                .contains("comes only from /verimail/verification-service, not from " + MAILER_SOURCE);
        assertThat(JSON.readTree(http.get("/api/registrations/" + claimed).body()).get("status").asString())
                .isEqualTo("PENDING");
    }

    private static final String MAILER_SOURCE = "/verimail/mailer-service";

    @Test
    void noCredentialsCannotWriteVerificationEvents() {
        Map<String, Object> anonymous = new HashMap<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
        // a plaintext client never gets past the SASL handshake: it never learns of the topic
        assertThatThrownBy(() -> send(anonymous, Topics.VERIFICATION_EVENTS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(org.apache.kafka.common.errors.TimeoutException.class)
                .hasMessageContaining("not present in metadata");
    }

    /**
     * The service writes verification-events (its EmailChanged), so its own credentials may write there; but an
     * EmailVerified under its source is not believed: dead-lettered, nobody VERIFIED.
     */
    @Test
    void theServiceItselfLogsInAsRegistrationAndItsCredentialsCannotForgeAnEmailVerified() throws Exception {
        TestHttp http = TestHttp.localhost(port);
        long forged = JSON.readTree(http.postJson("/api/registrations",
                "{\"name\":\"F\",\"email\":\"self-forged@example.com\"}").body()).get("id").asLong();
        KafkaTemplate<String, String> template = new KafkaTemplate<>(producers);
        template.send(emailVerified(forged, "self-forged@example.com", "/verimail/registration-service",
                Instant.now())).get(30, TimeUnit.SECONDS);

        ConsumerRecord<String, String> parked = SecuredKafkaTestBed.awaitRecord(bootstrapServers,
                Topics.VERIFICATION_EVENTS + ".DLT", Long.toString(forged));
        assertThat(dev.verimail.testbed.TopicReader.header(parked, "kafka_dlt-exception-message"))
                .contains("comes only from /verimail/verification-service, not from /verimail/registration-service");
        assertThat(JSON.readTree(http.get("/api/registrations/" + forged).body()).get("status").asString())
                .isEqualTo("PENDING");
    }

    @Test
    void onlyVerificationServicesEmailVerifiedMarksAUserVerified() throws Exception {
        TestHttp http = TestHttp.localhost(port);
        long forged = JSON.readTree(http.postJson("/api/registrations",
                "{\"name\":\"F\",\"email\":\"forged@example.com\"}").body()).get("id").asLong();
        long genuine = JSON.readTree(http.postJson("/api/registrations",
                "{\"name\":\"G\",\"email\":\"genuine@example.com\"}").body()).get("id").asLong();
        Map<String, Object> verification = SecuredKafkaTestBed.clientProperties(bootstrapServers, KafkaAccess.VERIFICATION);
        Instant now = Instant.now();
        // written with the only credentials that may write the topic, but claiming another producer
        send(verification, emailVerified(forged, "forged@example.com", "/somewhere/else", now));
        send(verification, emailVerified(genuine, "genuine@example.com", "/verimail/verification-service", now));

        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> "VERIFIED".equals(JSON.readTree(
                http.get("/api/registrations/" + genuine).body()).get("status").asString()));
        assertThat(JSON.readTree(http.get("/api/registrations/" + forged).body()).get("status").asString())
                .as("a foreign ce_source marks nobody VERIFIED").isEqualTo("PENDING");
        ConsumerRecord<String, String> parked = SecuredKafkaTestBed.awaitRecord(bootstrapServers,
                Topics.VERIFICATION_EVENTS + ".DLT", Long.toString(forged));
        assertThat(dev.verimail.testbed.TopicReader.header(parked, "kafka_dlt-exception-message"))
                .contains("ce_source '/somewhere/else' is not /verimail/mailer-service, /verimail/registration-service, "
                        + "/verimail/verification-service");
    }

    private static ProducerRecord<String, String> emailVerified(long user, String email, String source, Instant at) {
        EmailVerified event = new EmailVerified(UUID.randomUUID(), at, user, email, at);
        return CloudEventRecords.of(Topics.VERIFICATION_EVENTS, event.key(), event.eventId().toString(),
                event.cloudEventType(), source, at, EventJson.write(event));
    }

    private static void send(Map<String, Object> client, ProducerRecord<String, String> record) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(client, new StringSerializer(),
                new StringSerializer())) {
            producer.send(record).get(30, TimeUnit.SECONDS);
        }
    }

    private static void send(Map<String, Object> client, String topic) throws Exception {
        Map<String, Object> config = new HashMap<>(client);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(),
                new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "k", "forged")).get(30, TimeUnit.SECONDS);
        }
    }

    private ConsumerRecord<String, String> readAsMailer(String topic, String key) {
        Map<String, Object> config = SecuredKafkaTestBed.clientProperties(bootstrapServers, KafkaAccess.MAILER);
        // the mailer's own group: its principal may use no other (no mailer-service runs in this test)
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "mailer-registration-events");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
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
        throw new AssertionError("no record with key " + key + " on " + topic + " within 60 s; saw " + seen);
    }
}
