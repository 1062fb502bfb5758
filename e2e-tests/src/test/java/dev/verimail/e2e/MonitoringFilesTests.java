package dev.verimail.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

/**
 * The dashboard and the rule file are well-formed: valid JSON and YAML, every panel queries something, every rule
 * has an expression, a severity and its annotations. (That their metrics exist is {@link MonitoringMetricsTests}.)
 */
class MonitoringFilesTests {

    @Test
    void everyPanelOfTheDashboardHasAPrometheusQuery() {
        JsonNode dashboard = MonitoringFiles.dashboard();
        assertThat(dashboard.path("schemaVersion").asInt()).isGreaterThanOrEqualTo(36);
        assertThat(dashboard.path("uid").asString()).isNotBlank();
        List<JsonNode> panels = MonitoringFiles.panels(dashboard);
        assertThat(panels).hasSizeGreaterThanOrEqualTo(9);
        for (JsonNode panel : panels) {
            String title = panel.path("title").asString();
            assertThat(title).isNotBlank();
            assertThat(panel.path("datasource").path("uid").asString()).as(title).isEqualTo("${DS_PROMETHEUS}");
            assertThat(panel.path("targets").isArray() && !panel.path("targets").isEmpty()).as(title + " has a target")
                    .isTrue();
            for (JsonNode target : panel.path("targets")) {
                assertThat(target.path("expr").asString()).as(title + " " + target.path("refId").asString()).isNotBlank();
                assertThat(MonitoringFiles.metricNames(target.path("expr").asString())).as(title).isNotEmpty();
            }
        }
        List<String> variables = new java.util.ArrayList<>();
        dashboard.path("templating").path("list").forEach(v -> variables.add(v.path("name").asString()));
        assertThat(variables).as("the datasource variable the panels use").contains("DS_PROMETHEUS");
    }

    @Test
    void everyRuleHasAnExpressionASeverityAndAnnotations() {
        Map<String, Object> file = MonitoringFiles.alertsYaml();
        List<MonitoringFiles.Rule> rules = MonitoringFiles.rules(file);
        assertThat(rules).hasSizeGreaterThanOrEqualTo(6);
        assertThat(rules).extracting(MonitoringFiles.Rule::alert).doesNotHaveDuplicates().doesNotContainNull();
        for (MonitoringFiles.Rule rule : rules) {
            assertThat(rule.expr()).as(rule.alert()).isNotBlank();
            assertThat(MonitoringFiles.metricNames(rule.expr())).as(rule.alert()).isNotEmpty();
            assertThat(rule.labels()).as(rule.alert()).isNotNull();
            assertThat(rule.labels().get("severity")).as(rule.alert()).isIn("critical", "warning", "info");
            assertThat(rule.annotations()).as(rule.alert()).isNotNull()
                    .containsKeys("summary", "description", "runbook");
            rule.annotations().values().forEach(v -> assertThat(v.toString()).as(rule.alert()).isNotBlank());
        }
        assertThat(rules).extracting(MonitoringFiles.Rule::alert).contains("VerimailServiceDown",
                "SendCloudCredentialsRejected", "SendCloudPermanentFailures", "KafkaConsumerStalled",
                "KafkaConsumerNotConsuming", "DeadLettersGrowing", "OutboxOldestAgeHigh", "MailerNotSending");
    }

    @Test
    void metricNamesAreTakenFromPromQl() {
        assertThat(MonitoringFiles.metricNames("histogram_quantile(0.99, sum by (le) (rate("
                + "http_server_requests_seconds_bucket{application=\"registration-service\", uri=\"/api/registrations\"}"
                + "[$__rate_interval])))")).containsExactly("http_server_requests_seconds_bucket");
        assertThat(MonitoringFiles.metricNames("(sum by (application, instance) (a_total{code!~\"x|y\"}) > 0) "
                + "or (sum by (application, instance, code) (b unless b offset 15m) > 0) unless on (instance) "
                + "max(c:recorded[5m]) and up == 0")).isEqualTo(Set.of("a_total", "b", "c:recorded", "up"));
        assertThat(MonitoringFiles.sampleNames("# HELP x_total X\n# TYPE x_total counter\n"
                + "x_total{application=\"a\"} 1.0\ny_seconds_bucket{le=\"0.1\"} 2\nz 3\n"))
                .containsExactlyInAnyOrder("x_total", "y_seconds_bucket", "z");
    }
}
