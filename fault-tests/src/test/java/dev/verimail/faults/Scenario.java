package dev.verimail.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import dev.verimail.events.Topics;
import dev.verimail.faults.SendCloudLedger.Answer;
import dev.verimail.faults.SignupLoad.Attempt;
import dev.verimail.testbed.TestHttp;
import dev.verimail.localkafka.KafkaAccess;
import dev.verimail.testbed.TopicReader;

/**
 * One fault scenario on a {@link FaultStack}: its sign-ups (addresses {@code <name>-<n>@example.com}), and the
 * end of the story for each accepted one: the email, the confirm, the VERIFIED user and the {@code EmailVerified}
 * event, counted.
 */
final class Scenario {

    static final Duration SETTLE = Duration.ofSeconds(90);

    final FaultStack stack;
    final String name;
    final FaultReport report;
    /** What the mail server answered for recipients starting with a prefix: SendCloud's stand-in unless told. */
    private final Function<String, List<Answer>> answers;

    Scenario(FaultStack stack, String name, String title) {
        this(stack, name, title, stack.sendCloud::answers);
    }

    /** With another mail server's ledger, e.g. {@link SmtpLedger#answers}. */
    Scenario(FaultStack stack, String name, String title, Function<String, List<Answer>> answers) {
        this.stack = stack;
        this.name = name;
        this.report = new FaultReport(name, title);
        this.answers = answers;
    }

    /** Successful answers (emails sent) per recipient of this scenario. */
    private Map<String, List<Answer>> sentByRecipient() {
        return answers.apply(addresses()).stream().filter(Answer::success).collect(Collectors.groupingBy(Answer::to));
    }

    String addresses() {
        return name + "-";
    }

    SignupLoad load(int threads, Duration pause) {
        return SignupLoad.start(name, stack.registrationUrls(), threads, pause);
    }

    /** Waits until every accepted sign-up got at least one email; returns the first one per address. */
    Map<String, Answer> awaitEmails(List<Attempt> accepted, Duration timeout) {
        Set<String> emails = accepted.stream().map(Attempt::email).collect(Collectors.toSet());
        await("an email for each of " + emails.size() + " accepted sign-ups").atMost(timeout)
                .pollInterval(Duration.ofMillis(500))
                .until(() -> sentByRecipient().keySet().containsAll(emails));
        Map<String, Answer> first = new HashMap<>();
        sentByRecipient().forEach((to, sent) -> first.put(to, sent.get(0)));
        return first;
    }

    /** Confirms each accepted sign-up's link through {@code POST /api/verifications}, on verification instance i % n. */
    int confirmByApi(List<Attempt> accepted, Map<String, Answer> emails) {
        IntFunction<String> instance = i -> stack.verifications.get(i % stack.verifications.size()).baseUrl();
        int i = 0;
        for (Attempt signup : accepted) {
            Map<String, String> link = emails.get(signup.email()).query();
            HttpResponse<String> response = FaultStack.post(instance.apply(i++) + "/api/verifications",
                    "application/json", "{\"token\":\"" + link.get("token") + "\",\"authcode\":\""
                            + link.get("authcode") + "\"}");
            assertThat(response.statusCode()).as("confirming %s: %s", signup.email(), response.body()).isEqualTo(200);
        }
        return accepted.size();
    }

    /**
     * Waits until every accepted sign-up is VERIFIED and has its {@code EmailVerified}, then counts everything.
     * Reads the topic two seconds longer, so that a late duplicate would be counted too.
     */
    Tally tally(List<Attempt> attempts, int confirms) {
        List<Attempt> accepted = attempts.stream().filter(Attempt::accepted).toList();
        Set<String> users = accepted.stream().map(a -> Long.toString(a.userId())).collect(Collectors.toSet());
        List<ConsumerRecord<String, String>> events;
        try (TopicReader reader = TopicReader.fromBeginning(stack.kafka.client(KafkaAccess.ADMIN), Topics.VERIFICATION_EVENTS)) {
            if (confirms > 0) {
                await("EmailVerified for each of " + users.size() + " users").atMost(SETTLE).pollInSameThread()
                        .until(() -> reader.readFor(Duration.ofMillis(500), r -> users.contains(r.key())).stream()
                                .map(ConsumerRecord::key).distinct().count() >= users.size());
            }
            events = reader.readFor(Duration.ofSeconds(2), r -> users.contains(r.key()));
        }
        String like = addresses() + "%";
        if (confirms > 0) {
            await("users VERIFIED").atMost(SETTLE).until(() -> FaultStack.count(stack.db.registration(),
                    "SELECT COUNT(*) FROM users WHERE email_key LIKE ? AND status = 'VERIFIED'", like) >= confirms);
        }
        Map<String, List<Answer>> sent = sentByRecipient();
        Set<String> acceptedEmails = accepted.stream().map(Attempt::email).collect(Collectors.toSet());
        int min = accepted.stream().mapToInt(a -> sent.getOrDefault(a.email(), List.of()).size()).min().orElse(0);
        int max = accepted.stream().mapToInt(a -> sent.getOrDefault(a.email(), List.of()).size()).max().orElse(0);
        int duplicates = sent.values().stream().mapToInt(l -> l.size() - 1).sum();
        int toUnaccepted = (int) sent.keySet().stream().filter(e -> !acceptedEmails.contains(e)).count();
        Map<String, Set<String>> eventsPerUser = new HashMap<>();
        for (ConsumerRecord<String, String> r : events) {
            eventsPerUser.computeIfAbsent(r.key(), k -> new HashSet<>()).add(TopicReader.header(r, "ce_id"));
        }
        int deadLettered = 0;
        for (String topic : List.of(Topics.REGISTRATION_EVENTS + ".DLT", Topics.VERIFICATION_EVENTS + ".DLT")) {
            try (TopicReader dlt = TopicReader.fromBeginning(stack.kafka.client(KafkaAccess.ADMIN), topic)) {
                deadLettered += dlt.readFor(Duration.ofSeconds(1), r -> users.contains(r.key())).size();
            }
        }
        Map<Integer, Long> others = new TreeMap<>(attempts.stream().filter(a -> !a.accepted())
                .collect(Collectors.groupingBy(Attempt::status, Collectors.counting())));
        return new Tally(attempts.size(), accepted.size(), others.isEmpty() ? "none" : others.toString(),
                answers.apply(addresses()).size(), sent.values().stream().mapToInt(List::size).sum(), min, max,
                duplicates, toUnaccepted,
                FaultStack.count(stack.db.mailer(), "SELECT COUNT(*) FROM delivery WHERE email_key LIKE ? AND status = 'FAILED'", like),
                confirms,
                FaultStack.count(stack.db.registration(), "SELECT COUNT(*) FROM users WHERE email_key LIKE ? AND status = 'VERIFIED'", like),
                eventsPerUser.values().stream().mapToInt(Set::size).sum(), events.size(),
                eventsPerUser.values().stream().filter(s -> s.size() > 1).count(), deadLettered);
    }

    /**
     * Waits until verification-service has stored the challenge of every accepted sign-up. It consumes the same
     * events as the mailer but on its own, so an email can arrive before its link works (a link clicked that early
     * gets "link not valid"); people click seconds later, the test waits for it.
     */
    void awaitChallenges(List<Attempt> accepted) {
        await("verification-service has the challenge of each of " + accepted.size() + " sign-ups").atMost(SETTLE)
                .pollInterval(Duration.ofMillis(500))
                .until(() -> FaultStack.count(stack.db.verification(),
                        "SELECT COUNT(DISTINCT user_id) FROM challenge WHERE email LIKE ?", addresses() + "%") >= accepted.size());
    }

    /** The whole end of the story: an email each, every link confirmed, every event counted. */
    Tally finish(List<Attempt> attempts) {
        List<Attempt> accepted = attempts.stream().filter(Attempt::accepted).toList();
        Map<String, Answer> emails = awaitEmails(accepted, SETTLE);
        awaitChallenges(accepted);
        int confirms = confirmByApi(accepted, emails);
        return tally(attempts, confirms);
    }

    /** What every scenario promises: exactly one email per accepted sign-up, one event per confirm, no FAILED delivery. */
    static void assertOneEmailAndOneEventEach(Tally tally) {
        assertThat(tally.accepted()).isPositive();
        assertThat(tally.minEmails()).as("every accepted sign-up gets an email").isEqualTo(1);
        assertThat(tally.maxEmails()).as("no accepted sign-up gets two").isEqualTo(1);
        assertThat(tally.duplicates()).isZero();
        assertThat(tally.emailsToUnaccepted()).isZero();
        assertThat(tally.deliveriesFailed()).isZero();
        assertConfirmsGiveOneEventEach(tally);
    }

    static void assertConfirmsGiveOneEventEach(Tally tally) {
        assertThat(tally.confirms()).isEqualTo(tally.accepted());
        assertThat(tally.verifiedUsers()).isEqualTo(tally.confirms());
        assertThat(tally.emailVerifiedEvents()).as("one EmailVerified per confirm").isEqualTo(tally.confirms());
        assertThat(tally.usersWithSeveralEvents()).isZero();
        assertThat(tally.deadLettered()).as("no readable record dead-lettered").isZero();
    }

    static String enc(String value) {
        return TestHttp.enc(value);
    }
}
