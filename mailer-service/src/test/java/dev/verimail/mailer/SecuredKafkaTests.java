package dev.verimail.mailer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ContextConfiguration;

import dev.verimail.events.Topics;
import dev.verimail.localkafka.KafkaAccess;
import dev.verimail.testbed.SecuredKafkaTestBed;

/**
 * mailer-service against a broker with SASL/SCRAM and ACLs ({@link KafkaAccess#verimail()}), logged in as
 * {@code mailer} through {@code VERIMAIL_KAFKA_USERNAME}/{@code _PASSWORD}: it creates its topics, reads
 * {@code registration-events} in its group and dead-letters an unreadable record to {@code registration-events.DLT};
 * its own credentials cannot write {@code registration-events} (registration's alone) nor verification-events.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.kafka.bootstrap-servers=${" + SecuredKafkaTestBed.BOOTSTRAP_SERVERS + "}",
        "VERIMAIL_KAFKA_USERNAME=" + KafkaAccess.MAILER,
        "VERIMAIL_KAFKA_PASSWORD=" + SecuredKafkaTestBed.MAILER_PASSWORD,
        "mailer.transport=inbox" })
@ContextConfiguration(initializers = SecuredKafkaTestBed.class)
@DirtiesContext
class SecuredKafkaTests {

    @Value("${spring.kafka.bootstrap-servers}")
    String bootstrapServers;

    @Autowired
    ProducerFactory<String, String> producers;

    @Test
    void readsRegistrationEventsAndDeadLettersAnUnreadableRecordUnderItsAcls() throws Exception {
        String key = "secured-" + UUID.randomUUID();
        SecuredKafkaTestBed.send(bootstrapServers, KafkaAccess.REGISTRATION, Topics.REGISTRATION_EVENTS, key,
                "{this is not json");
        ConsumerRecord<String, String> parked = SecuredKafkaTestBed.awaitRecord(bootstrapServers,
                Topics.REGISTRATION_EVENTS + ".DLT", key);
        assertThat(parked.value()).as("a value nobody can read is not copied to the DLT").isNull();
        assertThat(dev.verimail.testbed.TopicReader.header(parked,
                dev.verimail.messaging.SecretFreeDeadLetters.REDACTED)).isEqualTo("value-dropped");
        assertThat(dev.verimail.testbed.TopicReader.header(parked, "kafka_dlt-original-topic"))
                .isEqualTo(Topics.REGISTRATION_EVENTS);
    }

    /**
     * verification-events it may write (its outbox publishes EmailUndeliverable there); consumers believe from its
     * ce_source that type only, never EmailVerified (TrustedProducer).
     */
    @Test
    void itsOwnCredentialsCannotWriteRegistrationEventsNorAnotherServicesTopic() {
        KafkaTemplate<String, String> template = new KafkaTemplate<>(producers);
        for (String topic : new String[] { Topics.REGISTRATION_EVENTS, Topics.VERIFICATION_EVENTS + ".DLT" }) {
            // failed future or thrown at once (the producer already knows the topic is refused): refused either way
            assertThatThrownBy(() -> template.send(topic, "k", "forged").get(30, TimeUnit.SECONDS)).as(topic)
                    .rootCause().isInstanceOf(TopicAuthorizationException.class);
        }
    }
}
