package dev.verimail.faults;

import static dev.verimail.faults.Scenario.assertOneEmailAndOneEventEach;
import static dev.verimail.faults.SystemFaultTests.awaitAttempts;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.verimail.events.Topics;
import dev.verimail.faults.SignupLoad.Attempt;
import dev.verimail.localstack.ServiceProcess;
import dev.verimail.testbed.TestDatabases;
import dev.verimail.localkafka.KafkaAccess;
import dev.verimail.testbed.TopicReader;

/**
 * Fault 7: two instances of each service at once (ports of their own, the same databases and consumer groups).
 * Sign-ups go to both registration instances, confirms to both verification instances.
 */
@Tag("fault")
class TwoInstancesFaultTests {

    private static FaultStack stack;

    @BeforeAll
    static void startStack() {
        stack = FaultStack.start("two-instances", FaultStack.Databases.create(
                service -> TestDatabases.server().create("fault2_" + service)), 2);
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void twoInstancesOfEachServiceShareTheWorkWithoutDoubleSendsOrDoubleEvents() {
        Scenario scenario = new Scenario(stack, "f7-two-instances", "Fault 7: two instances of each service at once");
        SignupLoad load = scenario.load(4, Duration.ofMillis(100));
        awaitAttempts(load, 120);
        List<Attempt> attempts = load.stop();

        Tally tally = scenario.finish(attempts);
        Set<String> users = attempts.stream().filter(Attempt::accepted).map(a -> Long.toString(a.userId()))
                .collect(Collectors.toSet());
        List<ConsumerRecord<String, String>> registered;
        try (TopicReader reader = TopicReader.fromBeginning(stack.kafka.client(KafkaAccess.ADMIN), Topics.REGISTRATION_EVENTS)) {
            registered = reader.readFor(Duration.ofSeconds(3), r -> users.contains(r.key()));
        }
        long registeredDistinct = registered.stream().map(r -> TopicReader.header(r, "ce_id")).distinct().count();
        long[] acceptedBy = new long[2];
        long[] sentBy = new long[2];
        long[] challengesBy = new long[2];
        long[] verifiedBy = new long[2];
        long[] relayedBy = new long[2];
        for (int i = 0; i < 2; i++) {
            String url = stack.registrations.get(i).baseUrl();
            acceptedBy[i] = attempts.stream().filter(a -> a.accepted() && a.instance().equals(url)).count();
            relayedBy[i] = (long) FaultStack.metric(stack.registrations.get(i), "outbox_published_total", "");
            sentBy[i] = (long) FaultStack.metric(stack.mailers.get(i), "mailer_emails_sent_total", "");
            ServiceProcess verification = stack.verifications.get(i);
            challengesBy[i] = (long) FaultStack.metric(verification, "verification_challenges_received_total",
                    "outcome=\"stored\"");
            verifiedBy[i] = (long) FaultStack.metric(verification, "verification_verifications_succeeded_total", "");
        }
        scenario.report.row("sign-ups accepted by registration 1 / 2", acceptedBy[0] + " / " + acceptedBy[1])
                .row("events relayed by registration 1 / 2 (outbox_published_total)", relayedBy[0] + " / " + relayedBy[1])
                .row("UserRegistered on the topic (distinct / records)", registeredDistinct + " / " + registered.size())
                .row("emails sent by mailer 1 / 2", sentBy[0] + " / " + sentBy[1])
                .row("challenges stored by verification 1 / 2", challengesBy[0] + " / " + challengesBy[1])
                .row("confirms handled by verification 1 / 2", verifiedBy[0] + " / " + verifiedBy[1])
                .counts(tally).write();

        assertOneEmailAndOneEventEach(tally);
        assertThat(tally.emailVerifiedRecords()).as("no EmailVerified published twice").isEqualTo(tally.emailVerifiedEvents());
        assertThat(registered).as("no UserRegistered published twice").hasSize(tally.accepted());
        assertThat(registeredDistinct).isEqualTo(tally.accepted());
        assertThat(sentBy[0]).as("mailer 1 sends").isPositive();
        assertThat(sentBy[1]).as("mailer 2 sends").isPositive();
        assertThat(sentBy[0] + sentBy[1]).isEqualTo(tally.accepted());
        assertThat(challengesBy[0]).as("verification 1 consumes").isPositive();
        assertThat(challengesBy[1]).as("verification 2 consumes").isPositive();
        assertThat(challengesBy[0] + challengesBy[1]).isEqualTo(tally.accepted());
        assertThat(acceptedBy[0]).isPositive();
        assertThat(acceptedBy[1]).isPositive();
    }
}
