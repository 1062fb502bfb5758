package dev.verimail.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the monitoring files of the repository ({@code monitoring/grafana/verimail-dashboard.json},
 * {@code monitoring/prometheus/alerts.yml}) and takes the metric names out of their PromQL, so that tests can check
 * each against what the services really expose.
 */
final class MonitoringFiles {

    static final String DASHBOARD = "monitoring/grafana/verimail-dashboard.json";
    static final String ALERTS = "monitoring/prometheus/alerts.yml";

    /** Series Prometheus makes itself, not the services. */
    static final Set<String> PROMETHEUS_BUILT_INS = Set.of("up", "scrape_duration_seconds", "scrape_samples_scraped",
            "scrape_samples_post_metric_relabeling", "scrape_series_added");

    /** One PromQL expression and where it comes from (a panel's title and refId, or an alert's name). */
    record Query(String origin, String expr) {
    }

    /** An alerting rule as the rule file has it. */
    record Rule(String alert, String expr, Map<String, Object> labels, Map<String, Object> annotations) {
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private MonitoringFiles() {
    }

    static Path repository() {
        return Path.of(System.getProperty("verimail.repository", "..")).toAbsolutePath().normalize();
    }

    static JsonNode dashboard() {
        return JSON.readTree(read(DASHBOARD));
    }

    /** Every panel (rows' nested panels included). */
    static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> panels = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            panels.add(panel);
            for (JsonNode nested : panel.path("panels")) {
                panels.add(nested);
            }
        }
        return panels;
    }

    static List<Query> dashboardQueries(JsonNode dashboard) {
        List<Query> queries = new ArrayList<>();
        for (JsonNode panel : panels(dashboard)) {
            for (JsonNode target : panel.path("targets")) {
                queries.add(new Query("panel '" + panel.path("title").asString() + "' " + target.path("refId").asString(),
                        target.path("expr").asString()));
            }
        }
        return queries;
    }

    /** The rule file, parsed (plain YAML, no custom tags). */
    @SuppressWarnings("unchecked")
    static Map<String, Object> alertsYaml() {
        return (Map<String, Object>) new Yaml(new SafeConstructor(new LoaderOptions())).load(read(ALERTS));
    }

    @SuppressWarnings("unchecked")
    static List<Rule> rules(Map<String, Object> file) {
        List<Rule> rules = new ArrayList<>();
        for (Map<String, Object> group : (List<Map<String, Object>>) file.get("groups")) {
            for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
                rules.add(new Rule((String) rule.get("alert"), rule.get("expr") == null ? null : rule.get("expr").toString(),
                        (Map<String, Object>) rule.get("labels"), (Map<String, Object>) rule.get("annotations")));
            }
        }
        return rules;
    }

    static List<Query> ruleQueries(List<Rule> rules) {
        return rules.stream().map(r -> new Query("alert " + r.alert(), r.expr())).toList();
    }

    /** Every query of the dashboard and the rule file. */
    static List<Query> allQueries() {
        List<Query> all = new ArrayList<>(dashboardQueries(dashboard()));
        all.addAll(ruleQueries(rules(alertsYaml())));
        return all;
    }

    // --- PromQL: just enough of it to find the metric names ---

    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
    private static final Pattern LABEL_LIST = Pattern.compile(
            "\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
    private static final Pattern RANGE = Pattern.compile("\\[[^]]*]");
    private static final Pattern OFFSET = Pattern.compile("\\boffset\\s+-?[0-9a-zA-Z_$]+");
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.$])([a-zA-Z_:][a-zA-Z0-9_:]*)(\\s*\\()?");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "by", "without", "on", "ignoring",
            "group_left", "group_right", "offset", "inf", "nan", "Inf", "NaN");

    /**
     * The metric names an expression selects: identifiers that are not a function or aggregation (followed by
     * {@code (}), a keyword, a label in {@code by (...)} / {@code on (...)}, inside a matcher or a string, or a number.
     */
    static Set<String> metricNames(String expr) {
        String s = STRING.matcher(expr).replaceAll(" ");
        s = LABEL_LIST.matcher(s).replaceAll(" ");
        s = MATCHERS.matcher(s).replaceAll(" ");
        s = RANGE.matcher(s).replaceAll(" ");
        s = OFFSET.matcher(s).replaceAll(" ");
        Set<String> names = new TreeSet<>();
        Matcher m = IDENTIFIER.matcher(s);
        while (m.find()) {
            String name = m.group(1);
            if (m.group(2) != null || KEYWORDS.contains(name)) {
                continue;
            }
            names.add(name);
        }
        return names;
    }

    /** The names of the samples of a Prometheus text exposition ({@code # HELP}/{@code # TYPE} lines skipped). */
    static Set<String> sampleNames(String exposition) {
        Set<String> names = new TreeSet<>();
        for (String line : exposition.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int end = 0;
            while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
                end++;
            }
            names.add(line.substring(0, end));
        }
        return names;
    }

    private static String read(String relative) {
        try {
            return Files.readString(repository().resolve(relative));
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
