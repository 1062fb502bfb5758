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
 * Fault 2: SendCloud answers 503 for five minutes: deliveries wait in RETRYING and the re-drive sends each
 * once SendCloud is back.
 */
@Tag("fault")
class SendCloudOutageFaultTests {

    static final Duration OUTAGE = Duration.ofMinutes(5);
    private static FaultStack stack;

    @BeforeAll
    static void startStack() {
        stack = FaultStack.start("sendcloud", FaultStack.Databases.create(
                service -> TestDatabases.server().create("fault_" + service)), 1);
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void sendCloudAnswering503ForLongerThanTheQuickRetriesLosesNoEmailAndFailsNoDelivery() {
        Scenario scenario = new Scenario(stack, "f2-sendcloud-503",
                "Fault 2: SendCloud answers HTTP 503 for " + OUTAGE.toMinutes() + " minutes");
        double scheduledBefore = FaultStack.metric(stack.mailer(), "mailer_emails_retried_total", "stage=\"scheduled\"");
        SignupLoad load = scenario.load(2, Duration.ofMillis(250));
        awaitAttempts(load, 8);

        stack.sendCloud.policy(call -> Reply.httpError(503));
        Instant down = Instant.now();
        await("no delivery FAILED while SendCloud answers 503").during(OUTAGE).atMost(OUTAGE.plusSeconds(20))
                .until(() -> failed(scenario) == 0);
        long retrying = FaultStack.count(stack.db.mailer(),
                "SELECT COUNT(*) FROM delivery WHERE email_key LIKE ? AND status = 'RETRYING'", scenario.addresses() + "%");
        stack.sendCloud.normal();
        Instant up = Instant.now();
        int before = load.attempts().size();
        awaitAttempts(load, before + 8);
        List<Attempt> attempts = load.stop();

        Tally tally = scenario.finish(attempts);
        List<Answer> answers = stack.sendCloud.answers(scenario.addresses());
        long unavailable = answers.stream().filter(a -> a.status() == 503).count();
        double scheduled = FaultStack.metric(stack.mailer(), "mailer_emails_retried_total", "stage=\"scheduled\"")
                - scheduledBefore;
        Instant lastEmail = answers.stream().filter(Answer::success).map(Answer::at).max(Instant::compareTo).orElseThrow();
        scenario.report.row("SendCloud down", Duration.between(down, up).toSeconds() + " s")
                .row("503 answers", unavailable)
                .row("deliveries RETRYING when SendCloud recovered", retrying)
                .row("handed to the re-drive (mailer_emails_retried_total{stage=\"scheduled\"})", (long) scheduled)
                .row("last email sent after recovery", Duration.between(up, lastEmail).toMillis() + " ms")
                .counts(tally).write();

        assertThat(attempts).allMatch(Attempt::accepted);
        assertThat(retrying).as("the outage outlasted the quick retries").isPositive();
        assertThat(unavailable).isGreaterThan(retrying);
        assertOneEmailAndOneEventEach(tally);
    }

    private static long failed(Scenario scenario) {
        return FaultStack.count(stack.db.mailer(), "SELECT COUNT(*) FROM delivery WHERE email_key LIKE ? AND status = 'FAILED'",
                scenario.addresses() + "%");
    }
}
