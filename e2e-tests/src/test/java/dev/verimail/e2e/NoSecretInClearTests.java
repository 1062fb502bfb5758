package dev.verimail.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.verimail.events.Topics;
import dev.verimail.events.registration.UserRegistered;
import dev.verimail.localkafka.KafkaAccess;
import dev.verimail.outbox.CloudEventRecords;
import dev.verimail.outbox.EventJson;
import dev.verimail.testbed.DatabaseCoordinates;
import dev.verimail.testbed.SendCloudStandIn;
import dev.verimail.testbed.TestHttp;
import dev.verimail.testbed.TopicReader;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 12's check on a whole run: sign-ups, a resend, the emails and the clicks through the three services, then
 * on the broker with SASL and ACLs, every record of {@code registration-events} and its DLT, every row of every table of the three databases (the
 * outbox tables included) and every line the services logged, searched for each authcode the emails carried. None is
 * there: the authcode exists in clear only in the email (the SendCloud call) and in the click. The outbox rows of a
 * sign-up while Kafka is down are checked by registration-service's {@code KafkaOutageTests}.
 */
class NoSecretInClearTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    static SendCloudStandIn sendCloud;
    static VerimailStack stack;

    @BeforeAll
    static void startSystem() {
        sendCloud = SendCloudStandIn.start();
        stack = VerimailStack.start("no-secret", Map.of(
                "MAILER_TRANSPORT", "sendcloud",
                "SENDCLOUD_ALLOW_HTTP", "true",
                "SENDCLOUD_API_USER", "e2e-user",
                "SENDCLOUD_API_KEY", "e2e-secret-key-456",
                "SENDCLOUD_BASE_URL", sendCloud.baseUrl(),
                "SENDCLOUD_TEMPLATE", "verimail_verify",
                "SENDCLOUD_FROM", "no-reply@verimail.test",
                "SENDCLOUD_FROM_NAME", "verimail"));
    }

    @AfterAll
    static void stopSystem() {
        if (stack != null) {
            stack.close();
        }
        if (sendCloud != null) {
            sendCloud.close();
        }
    }

    @Test
    void noAuthcodeOfAWholeRunIsReadableFromTheBrokerTheDeadLettersTheDatabasesOrTheLogs() throws Exception {
        TestHttp registration = new TestHttp(stack.registration.baseUrl());
        TestHttp verification = new TestHttp(stack.verification.baseUrl());
        List<String> authcodes = new ArrayList<>();
        List<Long> users = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String email = "clear-" + i + "@example.com";
            HttpResponse<String> signup = registration.postJson("/api/registrations",
                    "{\"name\":\"Secret " + i + "\",\"email\":\"" + email + "\"}");
            assertThat(signup.statusCode()).isEqualTo(202);
            users.add(JSON.readTree(signup.body()).get("id").asLong());
        }
        // one user asks for a new link (VerificationReissued; the stack's cool-down is 1 s): both links are searched
        String resent = "clear-0@example.com";
        String firstLink = linkOf(await().atMost(Duration.ofSeconds(60))
                .until(() -> callsTo(resent), calls -> !calls.isEmpty()).get(0));
        authcodes.add(query(firstLink).get("authcode"));
        HttpResponse<String> resend = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1))
                .until(() -> registration.postJson("/api/registrations/resend", "{\"email\":\"" + resent + "\"}"),
                        r -> r.statusCode() == 202);
        assertThat(resend.statusCode()).isEqualTo(202);
        List<String> links = new ArrayList<>();
        links.add(linkOf(await().atMost(Duration.ofSeconds(60))
                .until(() -> callsTo(resent), calls -> calls.size() == 2).get(1)));
        for (int i = 1; i < 3; i++) {
            String email = "clear-" + i + "@example.com";
            links.add(linkOf(await().atMost(Duration.ofSeconds(60))
                    .until(() -> callsTo(email), calls -> !calls.isEmpty()).get(0)));
        }
        for (String link : links) {
            Map<String, String> query = query(link);
            authcodes.add(query.get("authcode"));
            HttpResponse<String> confirmed = await().atMost(Duration.ofSeconds(30))
                    .until(() -> verification.postForm("/verify",
                            Map.of("token", query.get("token"), "authcode", query.get("authcode"))),
                            r -> r.statusCode() == 200);
            assertThat(confirmed.body()).contains("Your email is confirmed");
        }
        for (long id : users) {
            await().atMost(Duration.ofSeconds(60)).until(() -> JSON.readTree(registration.get(
                    "/api/registrations/" + id).body()).get("status").asString(), "VERIFIED"::equals);
        }
        // a record the consumers dead-letter (an old producer's v1 challenge without an email address), with an
        // authcode in clear of its own: the dead letter keeps no authcode
        String poisonAuthcode = "POISON-" + UUID.randomUUID();
        UserRegistered poison = new UserRegistered(UUID.randomUUID(), Instant.now(), 7, "P", " ", "poison-token",
                poisonAuthcode, Instant.now().plusSeconds(3600));
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(stack.client(KafkaAccess.REGISTRATION),
                new StringSerializer(), new StringSerializer())) {
            producer.send(CloudEventRecords.of(Topics.REGISTRATION_EVENTS, poison.key(), poison.eventId().toString(),
                    poison.cloudEventType(), "/verimail/registration-service", poison.occurredAt(),
                    EventJson.write(poison))).get();
        }

        assertThat(authcodes).hasSize(4).doesNotHaveDuplicates().allSatisfy(a -> assertThat(a).hasSizeGreaterThan(40));
        List<String> topic;
        List<ConsumerRecord<String, String>> deadLetters;
        try (TopicReader reader = stack.reader(Topics.REGISTRATION_EVENTS)) {
            topic = reader.readFor(Duration.ofSeconds(3), r -> true).stream().map(NoSecretInClearTests::text).toList();
        }
        try (TopicReader reader = stack.reader(Topics.REGISTRATION_EVENTS + ".DLT")) {
            deadLetters = reader.await(r -> poison.key().equals(r.key()), 2, Duration.ofSeconds(60));
        }
        assertThat(topic).as("4 challenges and the poison").hasSizeGreaterThanOrEqualTo(5);
        assertThat(deadLetters).as("the mailer and verification-service each dead-letter the poison").hasSize(2)
                .allSatisfy(r -> assertThat(text(r)).doesNotContain(poisonAuthcode).contains("poison-token"));
        List<String> rows = new ArrayList<>();
        for (DatabaseCoordinates db : stack.databases.values()) {
            rows.addAll(everyValue(db));
        }
        assertThat(rows).as("the outbox tables are there").anySatisfy(r -> assertThat(r).startsWith("outbox_event."))
                .anySatisfy(r -> assertThat(r).startsWith("challenge."));
        Map<String, String> logs = new LinkedHashMap<>();
        for (var service : List.of(stack.registration, stack.verification, stack.mailer)) {
            logs.put(service.name(), Files.readString(service.log()));
        }
        assertThat(logs.values()).allSatisfy(log -> assertThat(log).contains("Started"));

        for (String authcode : authcodes) {
            assertThat(topic).as("registration-events").noneSatisfy(r -> assertThat(r).contains(authcode));
            assertThat(deadLetters).as("registration-events.DLT").noneSatisfy(r -> assertThat(text(r)).contains(authcode));
            assertThat(rows).as("the three databases").noneSatisfy(r -> assertThat(r).contains(authcode));
            logs.forEach((service, log) -> assertThat(log).as(service + "'s log").doesNotContain(authcode));
        }
    }

    /** Value and headers of a record, as text. */
    private static String text(ConsumerRecord<String, String> record) {
        StringBuilder s = new StringBuilder(String.valueOf(record.value()));
        record.headers().forEach(h -> s.append('\n').append(h.key()).append('=')
                .append(new String(h.value(), StandardCharsets.UTF_8)));
        return s.toString();
    }

    /** {@code table.column=value} for every non-null value of every table of a database. */
    private static List<String> everyValue(DatabaseCoordinates db) throws Exception {
        List<String> values = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(db.url(), db.username(), db.password());
                Statement st = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT table_name FROM information_schema.tables WHERE table_schema = '"
                    + db.databaseName() + "'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String table : tables) {
                try (ResultSet rs = st.executeQuery("SELECT * FROM `" + table + "`")) {
                    int columns = rs.getMetaData().getColumnCount();
                    values.add(table + ".");
                    while (rs.next()) {
                        for (int i = 1; i <= columns; i++) {
                            Object v = rs.getObject(i);
                            if (v != null) {
                                String text = v instanceof byte[] bytes ? new String(bytes, StandardCharsets.ISO_8859_1)
                                        : v.toString();
                                values.add(table + "." + rs.getMetaData().getColumnName(i) + "=" + text);
                            }
                        }
                    }
                }
            }
        }
        return values;
    }

    private static List<SendCloudStandIn.Call> callsTo(String email) {
        return sendCloud.calls().stream().filter(c -> c.field("xsmtpapi") != null && c.field("xsmtpapi").contains(email))
                .toList();
    }

    private static String linkOf(SendCloudStandIn.Call call) {
        JsonNode xsmtpapi = JSON.readTree(call.field("xsmtpapi"));
        return xsmtpapi.get("sub").get("%url%").get(0).asString();
    }

    private static Map<String, String> query(String link) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : URI.create(link).getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            params.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return params;
    }
}
