package dev.verimail.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/** The checks a consumer makes before it believes a record, and what a dead letter keeps. No broker needed. */
class TrustTests {

    private static final TrustedProducer REGISTRATION = new TrustedProducer("/verimail/registration-service",
            Set.of("verimail.registration.UserRegistered.v2"));

    @Test
    void believesOnlyTheProducersSourceAndTypesItReads() {
        assertThat(REGISTRATION.check(record("/verimail/registration-service", "verimail.registration.UserRegistered.v2")))
                .isEqualTo("verimail.registration.UserRegistered.v2");
        assertThatThrownBy(() -> REGISTRATION.check(record("/verimail/mailer-service", "verimail.registration.UserRegistered.v2")))
                .isInstanceOf(UnreadableEventException.class)
                .hasMessage("ce_source '/verimail/mailer-service' is not /verimail/registration-service, the only "
                        + "producer of registration-events");
        assertThatThrownBy(() -> REGISTRATION.check(record(null, "verimail.registration.UserRegistered.v2")))
                .hasMessageContaining("ce_source (missing)");
        assertThatThrownBy(() -> REGISTRATION.check(record("/verimail/registration-service", null)))
                .hasMessageContaining("ce_type (missing)");
        assertThatThrownBy(() -> REGISTRATION.check(record("/verimail/registration-service", "x\u0000y".repeat(50))))
                .hasMessageContaining("x?y").hasMessageContaining("...").hasMessageNotContaining("\u0000");
    }

    @Test
    void aTopicWithTwoProducersBelievesEachTypeOnlyFromItsOwn() {
        TrustedProducer verification = new TrustedProducer("/verimail/verification-service",
                Set.of("verimail.verification.EmailVerified.v1"))
                .and(new TrustedProducer("/verimail/mailer-service", Set.of("verimail.mailer.EmailUndeliverable.v1")));

        assertThat(verification.check(record("/verimail/mailer-service", "verimail.mailer.EmailUndeliverable.v1")))
                .isEqualTo("verimail.mailer.EmailUndeliverable.v1");
        assertThat(verification.check(record("/verimail/verification-service", "verimail.verification.EmailVerified.v1")))
                .isEqualTo("verimail.verification.EmailVerified.v1");
        assertThatThrownBy(() -> verification.check(record("/verimail/mailer-service",
                "verimail.verification.EmailVerified.v1")))
                .as("the mailer cannot mark anyone verified")
                .hasMessage("ce_type 'verimail.verification.EmailVerified.v1' comes only from "
                        + "/verimail/verification-service, not from /verimail/mailer-service");
        assertThatThrownBy(() -> verification.check(record("/somebody", "verimail.mailer.EmailUndeliverable.v1")))
                .hasMessage("ce_source '/somebody' is not /verimail/mailer-service, /verimail/verification-service, "
                        + "the producers of registration-events");
    }

    @Test
    void aDeadLetterLosesAClearAuthcodeAndAValueNobodyCanRead() {
        RecordHeaders headers = new RecordHeaders();
        String v1 = "{\"type\":\"UserRegistered\",\"token\":\"t\",\"authcode\":\"SECRET\",\"email\":\" \"}";
        assertThat(SecretFreeDeadLetters.redacted(v1, headers)).isEqualTo(
                "{\"type\":\"UserRegistered\",\"token\":\"t\",\"email\":\" \"}");
        assertThat(header(headers)).isEqualTo("authcode-removed");

        headers = new RecordHeaders();
        assertThat(SecretFreeDeadLetters.redacted("authcode=SECRET not json", headers)).isNull();
        assertThat(header(headers)).isEqualTo("value-dropped");

        headers = new RecordHeaders();
        String v2 = "{\"type\":\"UserRegistered\",\"sealedAuthcode\":\"1:abc\"}";
        assertThat(SecretFreeDeadLetters.redacted(v2, headers)).as("ciphertext is kept for replay").isEqualTo(v2);
        assertThat(headers.lastHeader(SecretFreeDeadLetters.REDACTED)).isNull();
    }

    @Test
    void retentionHasAFloorAndSecretTopicsRollSegmentsHourly() {
        assertThatThrownBy(() -> new TrustProperties("/a", "/b", "/c", Duration.ofMinutes(1)))
                .hasMessageContaining("at least 10 minutes");
        var topic = SecretTopics.of("registration-events", 6, new TrustProperties("/a", "/b", "/c", Duration.ofHours(24)));
        assertThat(topic.configs()).containsEntry("retention.ms", "86400000").containsEntry("segment.ms", "3600000");
        var shortOne = SecretTopics.of("registration-events", 6, new TrustProperties("/a", "/b", "/c", Duration.ofMinutes(30)));
        assertThat(shortOne.configs()).containsEntry("segment.ms", "1800000");
    }

    private static ConsumerRecord<String, String> record(String source, String type) {
        ConsumerRecord<String, String> record = new ConsumerRecord<>("registration-events", 0, 0, "1", "{}");
        if (source != null) {
            record.headers().add("ce_source", source.getBytes(StandardCharsets.UTF_8));
        }
        if (type != null) {
            record.headers().add("ce_type", type.getBytes(StandardCharsets.UTF_8));
        }
        return record;
    }

    private static String header(RecordHeaders headers) {
        return new String(headers.lastHeader(SecretFreeDeadLetters.REDACTED).value(), StandardCharsets.UTF_8);
    }
}
