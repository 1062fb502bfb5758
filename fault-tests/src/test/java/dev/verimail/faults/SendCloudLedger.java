package dev.verimail.faults;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Collectors;

import dev.verimail.testbed.SendCloudStandIn;
import dev.verimail.testbed.SendCloudStandIn.Call;
import dev.verimail.testbed.SendCloudStandIn.Reply;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The SendCloud stand-in plus a ledger of what it answered: every call with its recipient, link, API key and
 * whether the reply was a success (an email SendCloud would have sent). A reply delayed by {@link #latency} counts
 * as sent even if the mailer died before reading it: SendCloud would have sent that email.
 */
final class SendCloudLedger implements AutoCloseable {

    static final String GOOD_KEY = "good-key-3f1c9a7e5b";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** One call as answered. */
    record Answer(Instant at, String to, String link, String apiKey, int status, boolean success) {

        /** The link's query parameters ({@code token}, {@code authcode}). */
        Map<String, String> query() {
            Map<String, String> query = new HashMap<>();
            for (String pair : URI.create(link).getRawQuery().split("&")) {
                int eq = pair.indexOf('=');
                query.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
            return query;
        }
    }

    private final SendCloudStandIn standIn = SendCloudStandIn.start(0, 32);
    private final List<Answer> answers = new CopyOnWriteArrayList<>();
    private volatile Function<Call, Reply> policy = SendCloudLedger::successForTheGoodKey;

    SendCloudLedger() {
        standIn.replies(call -> {
            Reply reply = policy.apply(call);
            answers.add(answer(call, reply));
            return reply;
        });
    }

    /** SendCloud's own behaviour: the right key sends, any other gets {@code result=false} 40005. */
    static Reply successForTheGoodKey(Call call) {
        return GOOD_KEY.equals(call.field("apiKey")) ? Reply.success()
                : Reply.failure(40005, "invalid apiUser or apiKey");
    }

    String baseUrl() {
        return standIn.baseUrl();
    }

    void policy(Function<Call, Reply> policy) {
        this.policy = policy;
    }

    void normal() {
        policy = SendCloudLedger::successForTheGoodKey;
        standIn.latency(Duration.ZERO);
    }

    void latency(Duration latency) {
        standIn.latency(latency);
    }

    /** Calls for recipients whose address starts with {@code prefix}. */
    List<Answer> answers(String prefix) {
        return answers.stream().filter(a -> a.to().startsWith(prefix)).toList();
    }

    /** Successful calls (emails sent) per recipient, for recipients starting with {@code prefix}. */
    Map<String, List<Answer>> sentByRecipient(String prefix) {
        return answers(prefix).stream().filter(Answer::success).collect(Collectors.groupingBy(Answer::to));
    }

    private static Answer answer(Call call, Reply reply) {
        JsonNode xsmtpapi = JSON.readTree(call.field("xsmtpapi"));
        return new Answer(call.receivedAt(), xsmtpapi.path("to").get(0).asString(),
                xsmtpapi.path("sub").path("%url%").get(0).asString(), call.field("apiKey"), reply.status(),
                reply.status() == 200 && reply.body().contains("\"result\":true"));
    }

    @Override
    public void close() {
        standIn.close();
    }
}
