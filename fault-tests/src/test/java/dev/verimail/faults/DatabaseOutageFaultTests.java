package dev.verimail.faults;

import static dev.verimail.faults.SystemFaultTests.awaitAttempts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.verimail.events.Topics;
import dev.verimail.faults.SendCloudLedger.Answer;
import dev.verimail.faults.SignupLoad.Attempt;
import dev.verimail.localkafka.KafkaAccess;
import dev.verimail.testbed.TopicReader;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Fault 6: the database server dies (SIGKILL) for three minutes while sign-ups and clicks keep coming. It holds
 * the databases of all three services, so each service's own database is down for the whole outage, at once. The
 * three services use a MariaDB of this test alone, never the shared server other builds use.
 */
@Tag("fault")
class DatabaseOutageFaultTests {

    /** Registration's Hikari connection-timeout (2 s) is the bound; 0.5 s on top for a loaded 2-core CI machine. */
    private static final Duration ANSWER_BOUND = Duration.ofMillis(2_500);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration OUTAGE = Duration.ofMinutes(3);

    private static PrivateMariaDb mariaDb;
    private static FaultStack stack;

    @BeforeAll
    static void startStack() {
        Path repository = Path.of(System.getProperty("verimail.repository", "..")).toAbsolutePath().normalize();
        mariaDb = PrivateMariaDb.install(repository.resolve("fault-tests").resolve("target").resolve("private-mariadb")
                .resolve(UUID.randomUUID().toString().substring(0, 8)));
        stack = FaultStack.start("database", FaultStack.Databases.create(service -> mariaDb.create(service)), 1);
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
        if (mariaDb != null) {
            mariaDb.close();
        }
    }

    @Test
    void signUpsAnswer503QuicklyWhileTheDatabaseIsDownNothingIsHalfWrittenAndEverythingRecovers() {
        Scenario scenario = new Scenario(stack, "f6-database", "Fault 6: the database server killed for " + OUTAGE.toMinutes() + " minutes during sign-ups and clicks");
        SignupLoad load = scenario.load(4, Duration.ofMillis(200));
        awaitAttempts(load, 15);
        List<Attempt> early = load.attempts().stream().filter(Attempt::accepted).limit(5).toList();
        Map<String, Answer> earlyEmails = scenario.awaitEmails(early, Scenario.SETTLE);
        scenario.awaitChallenges(early);

        mariaDb.kill();
        Instant down = Instant.now();
        List<Integer> clicksDuringOutage = new java.util.ArrayList<>();
        await("for the " + OUTAGE.toMinutes() + " minutes the database is down, every sign-up is refused, and quickly")
                .during(OUTAGE).atMost(OUTAGE.plusSeconds(30)).pollInterval(Duration.ofSeconds(5))
                .until(() -> {
                    clicksDuringOutage.add(confirm(early.get(clicksDuringOutage.size() % early.size()), earlyEmails));
                    return load.attempts().stream().filter(a -> a.startedAt().isAfter(down.plusMillis(500)))
                            .allMatch(a -> a.status() == 503 && a.millis() <= ANSWER_BOUND.toMillis());
                });
        Instant restarting = Instant.now();
        mariaDb.start();
        Instant up = Instant.now();
        await("sign-ups accepted again without restarting anything").atMost(Scenario.SETTLE)
                .until(() -> load.attempts().stream().filter(a -> a.startedAt().isAfter(up) && a.accepted()).count() >= 15);
        List<Attempt> attempts = load.stop();

        List<Attempt> duringOutage = attempts.stream()
                .filter(a -> a.startedAt().isAfter(down.plusMillis(500)) && a.endedAt().isBefore(restarting)).toList();
        List<Attempt> unavailable = attempts.stream().filter(a -> a.status() == 503).toList();
        long slowest = duringOutage.stream().mapToLong(Attempt::millis).max().orElse(0);
        Instant firstAcceptedAgain = attempts.stream().filter(a -> a.accepted() && a.startedAt().isAfter(up))
                .map(Attempt::endedAt).min(Instant::compareTo).orElseThrow();

        Tally tally = scenario.finish(attempts);
        Consistency consistency = consistency(scenario, attempts);
        scenario.report.row("database down", Duration.between(down, restarting).toSeconds() + " s (restart took "
                + Duration.between(restarting, up).toMillis() + " ms)")
                .row("requests during the outage", duringOutage.size())
                .row("of which 503 problem+json service-unavailable", duringOutage.stream().filter(this::isUnavailableProblem).count())
                .row("slowest answer during the outage", slowest + " ms")
                .row("confirms of genuine links during the outage (status: count)", clicksDuringOutage.stream()
                        .collect(Collectors.groupingBy(c -> c, java.util.TreeMap::new, Collectors.counting())))
                .row("first sign-up accepted again after the restart", Duration.between(up, firstAcceptedAgain).toMillis() + " ms")
                .row("users stored", consistency.users())
                .row("users without their UserRegistered (half-written)", consistency.usersWithoutEvent())
                .row("UserRegistered without a user (half-written)", consistency.eventsWithoutUser())
                .row("answered 503 but stored (committed as the server died, the answer lost)", consistency.storedDespite503())
                .counts(tally)
                .note("a duplicate here is an email sent while the database was going away: the mailer could not "
                        + "record it as SENT, so it was re-driven once its lease ended (the same case as a crash mid-send)")
                .note("an address answered 503 but stored is whole (user and event), and gets its email; "
                        + "a retry of that sign-up answers 409 email-taken")
                .write();

        assertThat(duringOutage).as("requests were made while the database was down").hasSizeGreaterThan(10);
        assertThat(clicksDuringOutage).as("a genuine link is never 'not valid' while the database is down")
                .isNotEmpty().allMatch(status -> status == 503);
        assertThat(duringOutage).allSatisfy(a -> {
            assertThat(isUnavailableProblem(a)).as("%s answered %s %s %s", a.email(), a.status(), a.contentType(), a.body())
                    .isTrue();
            assertThat(a.millis()).as("answer time of %s", a.email()).isLessThanOrEqualTo(ANSWER_BOUND.toMillis());
        });
        assertThat(unavailable).allSatisfy(a -> assertThat(isUnavailableProblem(a)).isTrue());
        assertThat(attempts).allMatch(a -> a.accepted() || a.status() == 503);
        assertThat(consistency.usersWithoutEvent()).isZero();
        assertThat(consistency.eventsWithoutUser()).isZero();
        assertThat(consistency.acceptedWithoutUser()).isZero();
        assertThat(tally.emailsToUnaccepted()).isEqualTo(consistency.storedDespite503());
        assertThat(tally.minEmails()).as("every accepted sign-up gets an email").isEqualTo(1);
        assertThat(tally.maxEmails()).as("one extra at most").isLessThanOrEqualTo(2);
        Map<String, List<Answer>> sent = stack.sendCloud.sentByRecipient(scenario.addresses());
        sent.values().stream().filter(emails -> emails.size() > 1).forEach(emails -> assertThat(emails.get(0).at())
                .as("only a send the mailer could not record while the database was down repeats").isBefore(up));
        assertThat(tally.deliveriesFailed()).isZero();
        Scenario.assertConfirmsGiveOneEventEach(tally);
    }

    /** A person confirming their link through the API while verification-service's database is down. */
    private int confirm(Attempt signup, Map<String, Answer> emails) {
        Map<String, String> link = emails.get(signup.email()).query();
        return FaultStack.post(stack.verification().baseUrl() + "/api/verifications", "application/json",
                "{\"token\":\"" + link.get("token") + "\",\"authcode\":\"" + link.get("authcode") + "\"}").statusCode();
    }

    private boolean isUnavailableProblem(Attempt a) {
        if (a.status() != 503 || !a.contentType().startsWith("application/problem+json") || a.retryAfter() == null) {
            return false;
        }
        return "service-unavailable".equals(JSON.readTree(a.body()).path("code").asString());
    }

    /** Every stored user has its UserRegistered (on the topic, or still in the outbox) and every event its user. */
    private record Consistency(long users, long usersWithoutEvent, long eventsWithoutUser, long acceptedWithoutUser,
            long storedDespite503) {
    }

    private Consistency consistency(Scenario scenario, List<Attempt> attempts) {
        String like = scenario.addresses() + "%";
        Set<Long> users = FaultStack.query(stack.db.registration(), "SELECT id FROM users WHERE email_key LIKE ?", like)
                .stream().map(r -> ((Number) r.get(0)).longValue()).collect(Collectors.toSet());
        Set<Long> withEvent = new HashSet<>();
        FaultStack.query(stack.db.registration(), "SELECT message_key FROM outbox_event WHERE event_type LIKE '%UserRegistered'")
                .forEach(r -> withEvent.add(Long.parseLong((String) r.get(0))));
        Set<String> emails = attempts.stream().map(Attempt::email).collect(Collectors.toSet());
        try (TopicReader reader = TopicReader.fromBeginning(stack.kafka.client(KafkaAccess.ADMIN), Topics.REGISTRATION_EVENTS)) {
            for (ConsumerRecord<String, String> r : reader.readFor(Duration.ofSeconds(3), r -> true)) {
                JsonNode event = JSON.readTree(r.value());
                if ("UserRegistered".equals(event.path("type").asString()) && emails.contains(event.path("email").asString())) {
                    withEvent.add(event.path("userId").asLong());
                }
            }
        }
        Set<Long> acceptedIds = attempts.stream().filter(Attempt::accepted).map(Attempt::userId).collect(Collectors.toSet());
        Set<String> stored = FaultStack.query(stack.db.registration(), "SELECT email FROM users WHERE email_key LIKE ?", like)
                .stream().map(r -> (String) r.get(0)).collect(Collectors.toSet());
        return new Consistency(users.size(), users.stream().filter(u -> !withEvent.contains(u)).count(),
                withEvent.stream().filter(u -> !users.contains(u)).count(),
                acceptedIds.stream().filter(u -> !users.contains(u)).count(),
                attempts.stream().filter(a -> a.status() == 503 && stored.contains(a.email())).count());
    }
}
