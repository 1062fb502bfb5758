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
import dev.verimail.testbed.TestDatabases;

/**
 * The mailer with MAILER_TRANSPORT=smtp, and its SMTP server down (connections refused) for three minutes:
 * deliveries wait in RETRYING and the re-drive sends each exactly once when the server is back.
 */
@Tag("fault")
class SmtpOutageFaultTests {

    static final Duration OUTAGE = Duration.ofMinutes(3);
    private static SmtpLedger smtp;
    private static FaultStack stack;

    @BeforeAll
    static void startStack() {
        smtp = new SmtpLedger();
        stack = FaultStack.start("smtp", FaultStack.Databases.create(
                service -> TestDatabases.server().create("fault_" + service)), 1, smtp.mailerEnvironment());
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
        if (smtp != null) {
            smtp.close();
        }
    }

    @Test
    void theSmtpServerDownForThreeMinutesLosesNoEmailAndSendsNoneTwice() {
        Scenario scenario = new Scenario(stack, "f8-smtp-down",
                "Fault 8: the SMTP server down (connections refused) for " + OUTAGE.toMinutes() + " minutes",
                smtp::answers);
        double scheduledBefore = FaultStack.metric(stack.mailer(), "mailer_emails_retried_total", "stage=\"scheduled\"");
        SignupLoad load = scenario.load(2, Duration.ofMillis(250));
        awaitAttempts(load, 8);
        await("emails go out over SMTP before the outage").atMost(Duration.ofSeconds(60))
                .until(() -> !smtp.answers(scenario.addresses()).isEmpty());

        smtp.server.stop();
        Instant down = Instant.now();
        int beforeOutage = smtp.answers(scenario.addresses()).size();
        await("no delivery FAILED while the SMTP server is down").during(OUTAGE).atMost(OUTAGE.plusSeconds(20))
                .until(() -> failed(scenario) == 0);
        long retrying = FaultStack.count(stack.db.mailer(),
                "SELECT COUNT(*) FROM delivery WHERE email_key LIKE ? AND status = 'RETRYING'", scenario.addresses() + "%");
        int duringOutage = smtp.answers(scenario.addresses()).size() - beforeOutage;
        String lastError = (String) FaultStack.query(stack.db.mailer(), "SELECT last_error FROM delivery WHERE "
                + "email_key LIKE ? AND status = 'RETRYING' ORDER BY updated_at DESC LIMIT 1", scenario.addresses() + "%")
                .stream().findFirst().map(row -> row.get(0)).orElse(null);
        smtp.server.start();
        Instant up = Instant.now();
        int before = load.attempts().size();
        awaitAttempts(load, before + 8);
        List<Attempt> attempts = load.stop();

        Tally tally = scenario.finish(attempts);
        double scheduled = FaultStack.metric(stack.mailer(), "mailer_emails_retried_total", "stage=\"scheduled\"")
                - scheduledBefore;
        Instant lastEmail = smtp.answers(scenario.addresses()).stream().map(Answer::at).max(Instant::compareTo)
                .orElseThrow();
        scenario.report.row("SMTP server down", Duration.between(down, up).toSeconds() + " s")
                .row("emails accepted by the SMTP server before / during the outage", beforeOutage + " / " + duringOutage)
                .row("deliveries RETRYING when the server came back", retrying)
                .row("their last error", lastError)
                .row("handed to the re-drive (mailer_emails_retried_total{stage=\"scheduled\"})", (long) scheduled)
                .row("last email sent after recovery", Duration.between(up, lastEmail).toMillis() + " ms")
                .note("\"SendCloud calls\" and \"emails sent\" count the messages the SMTP server accepted (250): "
                        + "refused connections reach no server")
                .counts(tally).write();

        assertThat(attempts).allMatch(Attempt::accepted);
        assertThat(duringOutage).as("nothing can be accepted while the server is down").isZero();
        assertThat(retrying).as("the outage outlasted the quick retries").isPositive();
        assertThat(lastError).startsWith("Cannot connect to the SMTP server 127.0.0.1:");
        assertOneEmailAndOneEventEach(tally);
    }

    private static long failed(Scenario scenario) {
        return FaultStack.count(stack.db.mailer(), "SELECT COUNT(*) FROM delivery WHERE email_key LIKE ? AND status = 'FAILED'",
                scenario.addresses() + "%");
    }
}
