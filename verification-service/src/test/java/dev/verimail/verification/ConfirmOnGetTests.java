package dev.verimail.verification;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.verimail.events.Topics;
import dev.verimail.events.registration.UserRegistered;
import dev.verimail.testbed.EventSchemaAssert;
import dev.verimail.testbed.ServiceTest;
import dev.verimail.testbed.TestHttp;
import dev.verimail.testbed.TopicReader;

/** {@code VERIFICATION_CONFIRM_ON_GET=true}: the classic flow, where opening the link verifies. */
@ServiceTest(properties = "verification.confirm-on-get=true")
class ConfirmOnGetTests {

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Value("${spring.kafka.bootstrap-servers}")
    String bootstrapServers;

    @Test
    void openingTheLinkVerifiesAtOnceAndOpeningItAgainSaysAlreadyVerified() {
        TestHttp http = TestHttp.localhost(port);
        TestDb db = new TestDb(jdbc);
        UserRegistered event = TestEvents.registered("classic@example.com");
        try (TestEvents events = new TestEvents(bootstrapServers)) {
            events.publish(event);
        }
        db.awaitChallenge(event.token());
        String link = "/verify?token=" + event.token() + "&authcode=" + event.authcode();

        HttpResponse<String> first = http.get(link);
        HttpResponse<String> second = http.get(link);

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.body()).contains("Your email is confirmed").doesNotContain("Confirm my email");
        assertThat(second.body()).contains("already verified");
        assertThat(db.verifiedChallenges(event.userId())).isOne();
        try (TopicReader reader = TopicReader.fromBeginning(bootstrapServers, Topics.VERIFICATION_EVENTS)) {
            String json = reader.await(r -> r.key().equals(event.key()), 1, Duration.ofSeconds(30)).get(0).value();
            EventSchemaAssert.assertMatchesSchema("EmailVerified", json);
            assertThat(reader.readFor(Duration.ofSeconds(1), r -> r.key().equals(event.key()))).hasSize(1);
        }
    }
}
