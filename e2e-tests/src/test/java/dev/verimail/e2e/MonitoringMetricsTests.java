package dev.verimail.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.verimail.events.Topics;
import dev.verimail.localkafka.KafkaAccess;
import dev.verimail.localstack.ServiceProcess;
import dev.verimail.testbed.SendCloudStandIn;
import dev.verimail.testbed.TestHttp;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every metric the Grafana dashboard and the Prometheus alerts query is one the services really expose: the whole
 * stack runs, the test makes each lazily created meter appear (a sent email, a delivery SendCloud refuses with
 * 40005, a send retried after a 503, a sign-up over the per-client limit, an unreadable record), then scrapes each service's
 * {@code /actuator/prometheus} and looks for each name among the scraped samples. Names are compared as Prometheus
 * stores them (a histogram's {@code _bucket} must be exposed as such), apart from Prometheus's own {@code up}.
 * The scrapes are kept in {@code target/metrics-scrapes/} for whoever edits the dashboard.
 */
class MonitoringMetricsTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String REFUSED = "refused-key@example.com";
    private static final String UNAVAILABLE_ONCE = "retried@example.com";

    static SendCloudStandIn sendCloud;
    static VerimailStack stack;

    @BeforeAll
    static void startSystem() {
        sendCloud = SendCloudStandIn.start();
        java.util.concurrent.atomic.AtomicBoolean unavailableOnce = new java.util.concurrent.atomic.AtomicBoolean(true);
        sendCloud.replies(call -> {
            String to = call.field("xsmtpapi") == null ? "" : call.field("xsmtpapi");
            if (to.contains(REFUSED)) {
                return SendCloudStandIn.Reply.failure(40005, "apiUser or apiKey is wrong");
            }
            if (to.contains(UNAVAILABLE_ONCE) && unavailableOnce.getAndSet(false)) {
                return SendCloudStandIn.Reply.httpError(503);
            }
            return SendCloudStandIn.Reply.success();
        });
        stack = VerimailStack.start("monitoring", Map.of(
                "MAILER_TRANSPORT", "sendcloud",
                "SENDCLOUD_ALLOW_HTTP", "true",
                "SENDCLOUD_API_USER", "e2e-user",
                "SENDCLOUD_API_KEY", "e2e-secret-key-123",
                "SENDCLOUD_BASE_URL", sendCloud.baseUrl(),
                "SENDCLOUD_TEMPLATE", "verimail_verify",
                "SENDCLOUD_FROM", "no-reply@verimail.test",
                "SENDCLOUD_FROM_NAME", "verimail"),
                // a few sign-ups reach the per-client limit (verimail_rate_limited_total)
                Map.of("REGISTRATION_LIMITS_PER_CLIENT", "3/10m"));
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
    void everyMetricOfTheDashboardAndTheAlertsIsExposedByTheServices() throws Exception {
        TestHttp registration = new TestHttp(stack.registration.baseUrl());
        assertThat(signUp(registration, "Ada", "monitoring.user@example.com")).isEqualTo(202);
        assertThat(signUp(registration, "Bob", REFUSED)).isEqualTo(202);
        assertThat(signUp(registration, "Cy", UNAVAILABLE_ONCE)).isEqualTo(202);
        // two calls for the one SendCloud answers 503 to first (a quick retry: mailer_emails_retried_total)
        await().atMost(Duration.ofSeconds(60)).until(() -> sendCloud.calls().size() >= 4);
        int status = 0;
        for (int i = 0; i < 3 && status != 429; i++) {
            status = signUp(registration, "Eve", "limited" + i + "@example.com");
        }
        assertThat(status).as("a sign-up over REGISTRATION_LIMITS_PER_CLIENT").isEqualTo(429);
        // a record nobody can read (no CloudEvents headers, not JSON): the mailer and verification dead-letter it
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(stack.client(KafkaAccess.REGISTRATION),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(Topics.REGISTRATION_EVENTS, "1", "not an event")).get();
        }

        List<MonitoringFiles.Query> queries = MonitoringFiles.allQueries();
        Map<String, Set<String>> usedBy = new TreeMap<>();
        for (MonitoringFiles.Query query : queries) {
            for (String name : MonitoringFiles.metricNames(query.expr())) {
                usedBy.computeIfAbsent(name, n -> new TreeSet<>()).add(query.origin());
            }
        }
        usedBy.keySet().removeAll(MonitoringFiles.PROMETHEUS_BUILT_INS);
        assertThat(usedBy).as("metric names in the dashboard and the alerts").hasSizeGreaterThan(10);

        // Kafka client metrics of a partition appear when Micrometer next looks at the consumer's metrics (every
        // minute), the dead-letter counters once both consumers handled the poison: scrape until all are there
        Map<String, String> scrapes = new LinkedHashMap<>();
        Set<String> missing = new TreeSet<>();
        try {
            await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofSeconds(5)).until(() -> {
            Set<String> exposed = new TreeSet<>();
            for (ServiceProcess service : List.of(stack.registration, stack.verification, stack.mailer)) {
                String scrape = scrape(service);
                scrapes.put(service.name(), scrape);
                exposed.addAll(MonitoringFiles.sampleNames(scrape));
            }
            missing.clear();
            missing.addAll(usedBy.keySet());
            missing.removeAll(exposed);
            return missing.isEmpty();
            });
        }
        catch (org.awaitility.core.ConditionTimeoutException e) {
            // reported below, with the names and where they are used
        }
        keep(scrapes);

        assertThat(missing).as("metrics queried but not exposed: " + describe(usedBy, missing)).isEmpty();
        for (Map.Entry<String, String> scrape : scrapes.entrySet()) {
            assertThat(scrape.getValue()).as("common tag application on " + scrape.getKey())
                    .contains("application=\"" + scrape.getKey() + "\"");
        }
        assertThat(scrapes.get("mailer-service")).containsPattern("mailer_emails_failed_total\\{[^}]*code=\"40005\"");
        assertThat(scrapes.get("registration-service")).containsPattern(
                "http_server_requests_seconds_bucket\\{[^}]*uri=\"/api/registrations\"");
    }

    private static int signUp(TestHttp registration, String name, String email) {
        HttpResponse<String> response = registration.postJson("/api/registrations",
                JSON.writeValueAsString(Map.of("name", name, "email", email)));
        return response.statusCode();
    }

    private static String scrape(ServiceProcess service) {
        HttpResponse<String> response = new TestHttp(service.managementUrl()).get("/actuator/prometheus");
        assertThat(response.statusCode()).as(service.name() + " /actuator/prometheus").isEqualTo(200);
        return response.body();
    }

    private static String describe(Map<String, Set<String>> usedBy, Set<String> missing) {
        StringBuilder text = new StringBuilder();
        for (String name : missing) {
            text.append("\n  ").append(name).append(" (").append(String.join(", ", usedBy.get(name))).append(')');
        }
        return text.toString();
    }

    private static void keep(Map<String, String> scrapes) {
        Path dir = MonitoringFiles.repository().resolve("e2e-tests/target/metrics-scrapes");
        try {
            Files.createDirectories(dir);
            for (Map.Entry<String, String> scrape : scrapes.entrySet()) {
                Files.writeString(dir.resolve(scrape.getKey() + ".txt"), scrape.getValue());
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
