package dev.verimail.faults;

import static dev.verimail.faults.Scenario.assertOneEmailAndOneEventEach;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import dev.verimail.faults.SendCloudLedger.Answer;
import dev.verimail.faults.SignupLoad.Attempt;
import dev.verimail.localstack.ServiceProcess;
import dev.verimail.testbed.SendCloudStandIn.Reply;
import dev.verimail.testbed.TestDatabases;
import dev.verimail.testbed.TestHttp;
import tools.jackson.databind.json.JsonMapper;

/**
 * Faults 3-5 on one stack (faults 1 and 2, the long outages, have stacks of their own so they can run beside these) (one broker, one database per service, one instance of each service): each
 * scenario has addresses of its own and waits until its story is complete before the next one breaks something
 * else, so the counts of one never include another's.
 */
@Tag("fault")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SystemFaultTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String BAD_KEY = "bad-key-0d9e8f7a6b";
    private static FaultStack stack;

    @BeforeAll
    static void startStack() {
        stack = FaultStack.start("system", FaultStack.Databases.create(
                service -> TestDatabases.server().create("fault_" + service)), 1);
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @AfterEach
    void sendCloudBehavesAgain() {
        stack.sendCloud.normal();
    }

    @Test
    @Order(3)
    void aBadApiKeyFailsDeliveriesOnceEachAndARedriveSendsThemOnceTheKeyIsFixed() {
        Scenario scenario = new Scenario(stack, "f3-bad-key", "Fault 3: SendCloud refuses the API key (result=false, 40005)");
        stack.mailer().stop();
        ServiceProcess badMailer = stack.restartMailer(0, Map.of("SENDCLOUD_API_KEY", BAD_KEY));
        SignupLoad load = scenario.load(2, Duration.ofMillis(250));
        awaitAttempts(load, 30);
        List<Attempt> attempts = load.stop();
        List<Attempt> accepted = attempts.stream().filter(Attempt::accepted).toList();

        await("every delivery FAILED with 40005").atMost(Scenario.SETTLE).until(() -> FaultStack.count(stack.db.mailer(),
                "SELECT COUNT(*) FROM delivery WHERE email_key LIKE ? AND status = 'FAILED' AND failure_reason = 'PERMANENT' "
                        + "AND sendcloud_code = 40005", scenario.addresses() + "%") == accepted.size());
        await("no retry storm: one call per delivery, and no more").during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10))
                .until(() -> stack.sendCloud.answers(scenario.addresses()).size() == accepted.size());
        double failedMetric = FaultStack.metric(badMailer, "mailer_emails_failed_total", "code=\"40005\"");
        String log = read(badMailer);
        long instructions = log.lines().filter(l -> l.contains("Fix SENDCLOUD_API_USER / SENDCLOUD_API_KEY")).count();
        int refusedCalls = stack.sendCloud.answers(scenario.addresses()).size();

        badMailer.stop();
        ServiceProcess fixed = stack.restartMailer(0, Map.of());
        HttpResponse<String> redrive = FaultStack.postAsOperator(fixed, "/admin/deliveries/redrive?code=40005");
        int redriven = JSON.readTree(redrive.body()).get("redriven").asInt();
        Tally tally = scenario.finish(attempts);
        scenario.report.row("calls refused with 40005", refusedCalls)
                .row("mailer_emails_failed_total{code=\"40005\"}", (long) failedMetric)
                .row("ERROR lines saying what to do (at most one a minute)", instructions)
                .row("re-driven by POST /admin/deliveries/redrive?code=40005", redriven)
                .counts(tally)
                .note("deliveries FAILED is counted at the end, after the re-drive sent them").write();

        assertThat(refusedCalls).as("one call per delivery while the key is bad").isEqualTo(accepted.size());
        assertThat((long) failedMetric).isEqualTo(accepted.size());
        assertThat(instructions).isPositive();
        assertThat(log).contains("POST /admin/deliveries/redrive?code=40005").doesNotContain(BAD_KEY)
                .doesNotContain(SendCloudLedger.GOOD_KEY);
        assertThat(redrive.statusCode()).isEqualTo(200);
        assertThat(redriven).isEqualTo(accepted.size());
        assertThat(tally.sendCloudCalls()).isEqualTo(2 * accepted.size());
        assertOneEmailAndOneEventEach(tally);
    }

    @Test
    @Order(4)
    void theMailerKilledInTheMiddleOfABatchLosesNoEmailAndDuplicatesOnlyWhatWasInFlight() {
        Scenario scenario = new Scenario(stack, "f4-mailer-kill", "Fault 4: mailer-service killed (SIGKILL) in the middle of a batch");
        Duration latency = Duration.ofMillis(500);
        stack.sendCloud.latency(latency);
        SignupLoad load = scenario.load(4, Duration.ofMillis(100));
        await("the mailer is in the middle of a batch").atMost(Scenario.SETTLE)
                .until(() -> stack.sendCloud.answers(scenario.addresses()).size() >= 20);

        stack.mailer().kill();
        Instant killed = Instant.now();
        List<Answer> beforeKill = stack.sendCloud.answers(scenario.addresses());
        long recordedSent = FaultStack.count(stack.db.mailer(),
                "SELECT COUNT(*) FROM delivery WHERE email_key LIKE ? AND status = 'SENT'", scenario.addresses() + "%");
        long unrecorded = beforeKill.stream().map(Answer::to).distinct().count() - recordedSent;
        int acceptedAtKill = (int) load.attempts().stream().filter(Attempt::accepted).count();
        awaitAttempts(load, load.attempts().size() + 20);
        long leftPending = FaultStack.count(stack.db.mailer(),
                "SELECT COUNT(*) FROM delivery WHERE email_key LIKE ? AND status = 'PENDING'", scenario.addresses() + "%");
        stack.restartMailer(0, Map.of());
        stack.sendCloud.latency(Duration.ZERO);
        awaitAttempts(load, load.attempts().size() + 10);
        List<Attempt> attempts = load.stop();

        Tally tally = scenario.finish(attempts);
        Map<String, List<Answer>> sent = stack.sendCloud.sentByRecipient(scenario.addresses());
        List<String> duplicated = sent.entrySet().stream().filter(e -> e.getValue().size() > 1).map(Map.Entry::getKey).toList();
        scenario.report.row("sign-ups accepted when the mailer was killed", acceptedAtKill)
                .row("SendCloud calls before the kill", beforeKill.size())
                .row("emails SendCloud got before the kill that the mailer had not recorded as SENT", unrecorded)
                .row("deliveries left PENDING by the dead instance", leftPending)
                .counts(tally)
                .note("a duplicate is an email SendCloud sent while the mailer died before recording it: the "
                        + "restarted mailer re-sends it once the dead instance's lease (15 s) is over")
                .write();

        assertThat(attempts).allMatch(Attempt::accepted);
        assertThat(beforeKill.size()).as("killed in the middle").isLessThan(acceptedAtKill);
        assertThat(tally.minEmails()).as("no email lost").isEqualTo(1);
        assertThat(tally.maxEmails()).as("one extra at most").isLessThanOrEqualTo(2);
        assertThat(tally.duplicates()).as("only sends in flight at the kill can repeat").isLessThanOrEqualTo((int) unrecorded)
                .isLessThanOrEqualTo(16);
        duplicated.forEach(email -> assertThat(sent.get(email).get(0).at()).isBefore(killed));
        assertThat(tally.emailsToUnaccepted()).isZero();
        assertThat(tally.deliveriesFailed()).isZero();
        Scenario.assertConfirmsGiveOneEventEach(tally);
    }

    @Test
    @Order(5)
    void verificationDownWhilePeopleClickThenTheSameLinksWorkAndGiveOneEventEach() {
        Scenario scenario = new Scenario(stack, "f5-verification-down", "Fault 5: verification-service down while people click");
        ServiceProcess verification = stack.verification();
        verification.stop();
        SignupLoad load = scenario.load(2, Duration.ofMillis(250));
        awaitAttempts(load, 30);
        List<Attempt> attempts = load.stop();
        List<Attempt> accepted = attempts.stream().filter(Attempt::accepted).toList();
        Map<String, Answer> emails = scenario.awaitEmails(accepted, Scenario.SETTLE);
        assertThat(verification.isAlive()).as("the emails went out while verification-service was down").isFalse();

        int refused = 0;
        for (Attempt signup : accepted.subList(0, 5)) {
            String link = emails.get(signup.email()).link();
            assertThatThrownBy(() -> FaultStack.get(link)).isInstanceOf(UncheckedIOException.class);
            refused++;
        }
        stack.restartVerification(0);
        Answer firstEmail = emails.get(accepted.get(0).email());
        int firstClick = FaultStack.get(firstEmail.link()).statusCode();
        scenario.awaitChallenges(accepted);
        int confirms = 0;
        for (Attempt signup : accepted) {
            Answer email = emails.get(signup.email());
            HttpResponse<String> page = FaultStack.get(email.link());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("Confirm my email");
            Map<String, String> link = email.query();
            HttpResponse<String> confirmed = FaultStack.post(stack.verification().baseUrl() + "/verify",
                    "application/x-www-form-urlencoded", TestHttp.form(Map.of("token", link.get("token"),
                            "authcode", link.get("authcode"))));
            assertThat(confirmed.statusCode()).isEqualTo(200);
            assertThat(confirmed.body()).contains("Your email is confirmed");
            confirms++;
        }
        Tally tally = scenario.tally(attempts, confirms);
        scenario.report.row("clicks while it was down (connection refused)", refused)
                .row("a click right after the restart, before it caught up with Kafka", firstClick == 200 ? "200 (confirm page)"
                        : firstClick + " (one moment: its challenge had not arrived yet; the page retries by itself)")
                .row("same links clicked after the restart (page + confirm button)", confirms)
                .counts(tally)
                .note("while the service is down, the browser gets a refused connection: no process of ours can "
                        + "answer; a \"try again later\" page belongs to the reverse proxy in front of it")
                .write();

        assertThat(attempts).allMatch(Attempt::accepted);
        assertThat(firstClick).as("a genuine link is never 'not valid', even before its challenge is stored")
                .isIn(200, 503);
        assertOneEmailAndOneEventEach(tally);
    }

    static void awaitAttempts(SignupLoad load, int count) {
        await().atMost(Duration.ofSeconds(60)).until(() -> load.attempts().size() >= count);
    }

    private static String read(ServiceProcess service) {
        try {
            return Files.readString(service.log());
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
