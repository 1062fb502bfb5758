package dev.verimail.faults;

import static dev.verimail.faults.Scenario.assertOneEmailAndOneEventEach;
import static dev.verimail.faults.SystemFaultTests.awaitAttempts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.verimail.faults.SendCloudLedger.Answer;
import dev.verimail.faults.SignupLoad.Attempt;
import dev.verimail.testbed.SendCloudStandIn.Reply;
import dev.verimail.testbed.TestDatabases;

/**
 * Fault 1: the broker stopped for three minutes while sign-ups go on: the outbox keeps every event, and
 * the consumers wait the outage out.
 */
@Tag("fault")
class BrokerOutageFaultTests {

    static final Duration OUTAGE = Duration.ofMinutes(3);
    private static FaultStack stack;

    @BeforeAll
    static void startStack() {
        stack = FaultStack.start("broker", FaultStack.Databases.create(
                service -> TestDatabases.server().create("fault_" + service)), 1);
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void kafkaStoppedFor3MinutesDuringSignUpsLosesNothing() {
        Scenario scenario = new Scenario(stack, "f1-kafka", "Fault 1: the Kafka broker stopped for " + OUTAGE.toMinutes() + " minutes during sign-ups");
        SignupLoad load = scenario.load(2, Duration.ofMillis(250));
        awaitAttempts(load, 8);

        stack.kafka.stop();
        Instant down = Instant.now();
        await("sign-ups answered 202 while the broker is down").during(OUTAGE).atMost(OUTAGE.plusSeconds(20))
                .until(() -> load.attempts().stream().allMatch(Attempt::accepted));
        long waiting = FaultStack.count(stack.db.registration(), "SELECT COUNT(*) FROM outbox_event");
        stack.kafka.start();
        Instant up = Instant.now();
        int before = load.attempts().size();
        awaitAttempts(load, before + 8);
        List<Attempt> attempts = load.stop();

        Tally tally = scenario.finish(attempts);
        long duringOutage = attempts.stream().filter(a -> a.startedAt().isAfter(down) && a.endedAt().isBefore(up)).count();
        scenario.report.row("broker down", Duration.between(down, up).toSeconds() + " s")
                .row("sign-ups answered while it was down", duringOutage)
                .row("events waiting in the outbox when it came back", waiting)
                .counts(tally).write();

        assertThat(attempts).allMatch(Attempt::accepted);
        assertThat(duringOutage).isPositive();
        assertThat(waiting).as("the events of the outage waited in the outbox").isPositive();
        assertOneEmailAndOneEventEach(tally);
    }
}
