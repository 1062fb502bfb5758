package dev.verimail.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.HdrHistogram.Histogram;
import org.apache.kafka.common.utils.AppInfoParser;

import dev.verimail.testbed.TestDatabases;

/** Writes {@code report.md} and two SVG charts. All histograms hold microseconds. */
record Report(Benchmark.Settings settings, Histogram closed, Histogram open, Histogram email, Histogram confirm,
        Histogram confirmToVerified, double closedRate, double openRate, double confirmRate, Benchmark.EmailCheck emails,
        Benchmark.EventCheck events, List<ProcessStats> processes, long errors, Map<String, Long> failures,
        Map<String, String> notes, Collection<long[]> timeline,
        Instant began) {

    void write(Path dir) throws IOException {
        Files.writeString(dir.resolve("signup-latency-over-time.svg"), overTimeChart());
        Files.writeString(dir.resolve("latency-percentiles.svg"), percentileChart());
        Files.writeString(dir.resolve("report.md"), markdown());
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# verimail benchmark\n\n");
        md.append("Run ").append(began).append(" with `./run-benchmark.sh`.\n\n");
        md.append("## Machine and versions\n\n");
        md.append("| | |\n|---|---|\n");
        md.append("| CPU | ").append(cpu()).append(", ").append(Runtime.getRuntime().availableProcessors()).append(" cores |\n");
        md.append("| memory | ").append(memory()).append(" |\n");
        md.append("| Java | ").append(System.getProperty("java.vm.name")).append(' ').append(System.getProperty("java.version")).append(" |\n");
        md.append("| database | ").append(database()).append(" |\n");
        md.append("| Kafka | ").append(AppInfoParser.getVersion()).append(" (KRaft, one node, own JVM) |\n");
        md.append("| service JVM options | `").append(settings.serviceJavaOpts()).append("` |\n\n");
        md.append("Everything runs on this one machine: database, broker, three services, the SendCloud stand-in and the load generator.\n\n");
        md.append("## Workload\n\n");
        md.append(String.format(Locale.ROOT, """
                1. warm-up: 2,000 sign-ups (not measured);
                2. closed loop: %,d sign-ups (`POST /api/registrations`) from %d clients;
                3. open loop: %d sign-ups/s for %d s, latency from each request's scheduled start;
                4. every email's link confirmed (`POST /api/verifications`) from %d clients.

                SendCloud stand-in reply latency: %d ms. Challenges of other users stored before the run: %,d.

                """, settings.signups(), settings.clients(), settings.openRate(), settings.openSeconds(),
                settings.confirmClients(), settings.latencyMs(), settings.storedChallenges()));
        md.append("## Results\n\n");
        md.append("| measure | throughput | p50 | p99 | p99.9 | max |\n|---|---|---|---|---|---|\n");
        row(md, "sign-up, closed loop", String.format(Locale.ROOT, "%,.0f/s", closedRate), closed);
        row(md, "sign-up, open loop", String.format(Locale.ROOT, "%,.0f/s offered %d/s", openRate, settings.openRate()), open);
        row(md, "202 -> SendCloud call", "", email);
        row(md, "confirm", String.format(Locale.ROOT, "%,.0f/s", confirmRate), confirm);
        row(md, "confirm -> VERIFIED (100 ms polling)", "", confirmToVerified);
        md.append(String.format(Locale.ROOT, "%nEmail drain time after the last accepted sign-up: %.2f s.%n%n",
                emails.drain().toMillis() / 1000.0));
        md.append("## Nothing lost, nothing doubled\n\n");
        md.append("| check | count |\n|---|---|\n");
        md.append("| sign-ups accepted (202) | ").append(emails.accepted()).append(" |\n");
        md.append("| SendCloud calls for them | ").append(emails.emailed() + emails.duplicates()).append(" |\n");
        md.append("| sign-ups without an email (lost) | ").append(emails.lost()).append(" |\n");
        md.append("| extra emails (duplicates) | ").append(emails.duplicates()).append(" |\n");
        md.append("| links confirmed | ").append(events.users()).append(" |\n");
        md.append("| `EmailVerified` events | ").append(events.events()).append(" |\n");
        md.append("| confirmed users without an event | ").append(events.missing()).append(" |\n");
        md.append("| duplicate events | ").append(events.duplicates()).append(" |\n");
        md.append("| failed requests (non-2xx or error) | ").append(errors).append(" |\n\n");
        boolean clean = emails.lost() == 0 && emails.duplicates() == 0 && events.missing() == 0 && events.duplicates() == 0;
        if (!failures.isEmpty() || !notes.isEmpty()) {
            md.append("Failures and notes:\n\n");
            failures.forEach((k, v) -> md.append("- ").append(k).append(": ").append(v).append('\n'));
            notes.forEach((k, v) -> md.append("- ").append(k).append(": `").append(v.replace('`', '\'')).append("`\n"));
            md.append('\n');
        }
        md.append(clean ? "**Verdict: every accepted sign-up got exactly one email and every confirm exactly one event.**\n\n"
                : "**Verdict: NOT clean - see the counts above.**\n\n");
        md.append("## Processes\n\n| process | peak RSS | CPU seconds |\n|---|---|---|\n");
        long total = 0;
        for (ProcessStats p : processes) {
            md.append(String.format(Locale.ROOT, "| %s | %,d MB | %.1f |%n", p.name(), p.peakRssKb() / 1024, p.cpuSeconds()));
            total += p.peakRssKb();
        }
        md.append(String.format(Locale.ROOT, "| **all** | **%,d MB** | |%n%n", total / 1024));
        md.append("Charts: `signup-latency-over-time.svg`, `latency-percentiles.svg`.\n");
        return md.toString();
    }

    private static void row(StringBuilder md, String name, String rate, Histogram h) {
        md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s |%n", name, rate, ms(h.getValueAtPercentile(50)),
                ms(h.getValueAtPercentile(99)), ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue())));
    }

    private static String ms(long micros) {
        return micros >= 10_000 ? String.format(Locale.ROOT, "%.0f ms", micros / 1000.0)
                : String.format(Locale.ROOT, "%.1f ms", micros / 1000.0);
    }

    private String overTimeChart() {
        TreeMap<Long, Histogram> perSecond = new TreeMap<>();
        for (long[] sample : timeline) {
            perSecond.computeIfAbsent(sample[0] / 1000, k -> new Histogram(3)).recordValue(sample[1]);
        }
        long first = perSecond.isEmpty() ? 0 : perSecond.firstKey();
        List<double[]> p50 = new ArrayList<>();
        List<double[]> p99 = new ArrayList<>();
        List<double[]> rate = new ArrayList<>();
        for (Map.Entry<Long, Histogram> e : perSecond.entrySet()) {
            double t = e.getKey() - first;
            p50.add(new double[] { t, e.getValue().getValueAtPercentile(50) / 1000.0 });
            p99.add(new double[] { t, e.getValue().getValueAtPercentile(99) / 1000.0 });
            rate.add(new double[] { t, e.getValue().getTotalCount() });
        }
        List<Double> ticks = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        long span = perSecond.isEmpty() ? 1 : perSecond.lastKey() - first;
        for (long t = 0; t <= span; t += Math.max(10, span / 8 / 10 * 10)) {
            ticks.add((double) t);
            labels.add(t + " s");
        }
        return Svg.lineChart("Sign-up latency over time (closed loop, then open loop)", "time since start of phase 1",
                "latency (ms) / completed requests per second", List.of(new Svg.Series("p50 latency", "#2f6fde", p50),
                        new Svg.Series("p99 latency", "#c62828", p99), new Svg.Series("requests/s", "#999999", rate)),
                false, labels, ticks);
    }

    private String percentileChart() {
        double[] percentiles = { 0, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99 };
        List<Svg.Series> series = List.of(curve("sign-up closed", "#2f6fde", closed, percentiles),
                curve("sign-up open", "#6a1b9a", open, percentiles), curve("202 -> SendCloud", "#2e7d32", email, percentiles),
                curve("confirm", "#ef6c00", confirm, percentiles));
        List<Double> ticks = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (double p : new double[] { 0, 90, 99, 99.9, 99.99 }) {
            ticks.add(1 / (1 - p / 100));
            labels.add(p == 0 ? "0%" : p + "%");
        }
        return Svg.lineChart("Latency by percentile", "percentile", "latency (ms)", series, true, labels, ticks);
    }

    private static Svg.Series curve(String label, String color, Histogram h, double[] percentiles) {
        List<double[]> points = new ArrayList<>();
        for (double p : percentiles) {
            points.add(new double[] { 1 / (1 - p / 100), h.getValueAtPercentile(p) / 1000.0 });
        }
        return new Svg.Series(label, color, points);
    }

    static String cpu() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown");
        }
        catch (IOException e) {
            return "unknown";
        }
    }

    static String memory() {
        try {
            return Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                    .findFirst().map(l -> (Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024 / 1024) + " GiB").orElse("unknown");
        }
        catch (IOException e) {
            return "unknown";
        }
    }

    static String database() {
        TestDatabases server = TestDatabases.server();
        try (Connection c = DriverManager.getConnection(server.urlFor(""), server.username(), server.password());
                ResultSet rs = c.createStatement().executeQuery("SELECT VERSION()")) {
            rs.next();
            return rs.getString(1);
        }
        catch (Exception e) {
            return "unknown";
        }
    }
}
