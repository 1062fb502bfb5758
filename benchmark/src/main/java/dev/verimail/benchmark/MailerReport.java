package dev.verimail.benchmark;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import org.HdrHistogram.Histogram;
import org.apache.kafka.common.utils.AppInfoParser;

import dev.verimail.events.registration.UserRegistered;

/** Writes the mailer benchmark's {@code report.md}. Histograms hold microseconds. */
record MailerReport(MailerBenchmark.Settings settings, Instant began, List<MailerBenchmark.PhaseResult> phases,
        long warmUpProblems, long unexpectedCalls, long produceErrors, List<MailerBenchmark.ProcessRow> processes,
        Map<String, String> notes) {

    /** The target: sends per second the mailer alone keeps going against a 200 ms SendCloud. */
    static final int TARGET_PER_SECOND = 1_000;
    static final int TARGET_LATENCY_MS = 200;

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# verimail benchmark: the mailer alone\n\n");
        md.append("Run ").append(began).append(" with `./run-benchmark.sh mailer`.\n\n");
        machine(md);
        workload(md);
        results(md);
        target(md);
        correctness(md);
        processes(md);
        if (!notes.isEmpty()) {
            md.append("\nNotes:\n\n");
            notes.forEach((k, v) -> md.append("- ").append(k).append(": `").append(v.replace('`', '\'')).append("`\n"));
        }
        return md.toString();
    }

    private void machine(StringBuilder md) {
        md.append("## Machine and versions\n\n| | |\n|---|---|\n");
        md.append("| CPU | ").append(Report.cpu()).append(", ").append(Runtime.getRuntime().availableProcessors()).append(" cores |\n");
        md.append("| memory | ").append(Report.memory()).append(" |\n");
        md.append("| Java | ").append(System.getProperty("java.vm.name")).append(' ').append(System.getProperty("java.version")).append(" |\n");
        md.append("| database | ").append(Report.database()).append(" |\n");
        md.append("| Kafka | ").append(AppInfoParser.getVersion()).append(" (KRaft, one node, own JVM) |\n");
        md.append("| mailer-service JVM options | `").append(settings.serviceJavaOpts()).append("` |\n");
        md.append("| `MAILER_SEND_CONCURRENCY` | ").append(settings.concurrencyLabel()).append(" |\n");
        md.append("| SendCloud stand-in reply latency | ").append(settings.latencyMs()).append(" ms |\n\n");
        md.append("Everything runs on this one machine: database, broker, mailer-service (the only service running), "
                + "the SendCloud stand-in and the event producer (both in the benchmark JVM). The stand-in's HTTP server "
                + "runs with TCP_NODELAY (`sun.net.httpserver.nodelay=true`): without it Nagle's algorithm and delayed "
                + "ACKs add about 45 ms to every reply.\n\n");
    }

    private void workload(StringBuilder md) {
        md.append("## Workload\n\n");
        md.append(String.format(Locale.ROOT, "1. warm-up: %,d events (not measured);%n", settings.warmUp()));
        phases.stream().filter(p -> p.offeredRate() == 0).forEach(p -> md.append(String.format(Locale.ROOT,
                "2. burst: %,d events produced as fast as one producer can (%.1f s) while the mailer runs: it has a "
                        + "backlog throughout, so the calls reaching the stand-in per second are its capacity;%n",
                p.produced(), p.produceSeconds())));
        phases.stream().filter(p -> p.offeredRate() > 0).forEach(p -> md.append(String.format(Locale.ROOT,
                "3. paced: %,.0f events/s for %.0f s (%,d events), delay counted from each event's scheduled produce "
                        + "time.%n", p.offeredRate(), p.produced() / p.offeredRate(), p.produced())));
        md.append(String.format(Locale.ROOT, "%nEvents: `%s` on `registration-events` (%d partitions), with the JSON "
                + "and CloudEvents headers of registration-service's outbox relay (`ce_type` `%s`, `ce_source` `%s`), "
                + "one address each.%n%n", UserRegistered.TYPE, MailerBenchmark.PARTITIONS,
                UserRegistered.CLOUD_EVENT_TYPE, MailerBenchmark.SOURCE));
    }

    private void results(StringBuilder md) {
        md.append("## Results\n\n");
        md.append("| phase | events | SendCloud calls/s overall | steady seconds: median | max | min "
                + "| calls in flight at the stand-in: median | peak |\n|---|---|---|---|---|---|---|---|\n");
        for (MailerBenchmark.PhaseResult p : phases) {
            md.append(String.format(Locale.ROOT, "| %s | %,d | %,.0f/s | %,.0f/s | %,d/s | %,d/s | %,.0f | %,d |%n",
                    label(p), p.produced(), p.overallRate(), p.steadyMedian(), p.steadyMax(), p.steadyMin(),
                    p.inFlightMedian(), p.inFlightPeak()));
        }
        md.append("\nOverall: calls / (last call - first call). Steady seconds: whole seconds counted from the first "
                + "call, without the first and the last. In flight: calls the stand-in has received and not yet "
                + "answered, sampled every 10 ms over the steady seconds. The peak is exact and may exceed "
                + "`MAILER_SEND_CONCURRENCY` by one or two: the stand-in counts a call until it has finished writing "
                + "the reply, and on a busy machine the mailer's next call can arrive first.\n\n");
        md.append("| phase | produce -> SendCloud call p50 | p90 | p99 | max | last call after the last produce "
                + "| mean send call, as the mailer times it |\n|---|---|---|---|---|---|---|\n");
        for (MailerBenchmark.PhaseResult p : phases) {
            Histogram d = p.delay();
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %.2f s | %.0f ms |%n", label(p),
                    ms(d.getValueAtPercentile(50)), ms(d.getValueAtPercentile(90)), ms(d.getValueAtPercentile(99)),
                    ms(d.getMaxValue()), p.drainSeconds(), p.mailerSendMs()));
        }
        md.append("\nIn the burst the delay is mostly the wait in the backlog (the last event waits for every one before "
                + "it); the paced phase shows the latency at that rate.\n\n");
        for (MailerBenchmark.PhaseResult p : phases) {
            md.append("Calls per second, ").append(p.name()).append(": ")
                    .append(p.perSecond().stream().map(String::valueOf).collect(Collectors.joining(" "))).append("\n\n");
        }
    }

    private void target(StringBuilder md) {
        MailerBenchmark.PhaseResult burst = phases.get(0);
        boolean met = burst.steadyMedian() >= TARGET_PER_SECOND;
        String status = settings.latencyMs() != TARGET_LATENCY_MS
                ? "not settled: measured at " + settings.latencyMs() + " ms, the target is at " + TARGET_LATENCY_MS + " ms"
                : String.format(Locale.ROOT, "%s (%+.1f %% against %,d/s)", met ? "**met**" : "**not met**",
                        (burst.steadyMedian() / TARGET_PER_SECOND - 1) * 100, TARGET_PER_SECOND);
        md.append("## Target and verdict\n\n| target | measured | status |\n|---|---|---|\n");
        StringBuilder measured = new StringBuilder(String.format(Locale.ROOT,
                "burst: %,.0f calls/s (median of the steady seconds; max %,d/s, overall %,.0f/s), %,.0f calls in flight "
                        + "at the stand-in (median), %,d at the peak",
                burst.steadyMedian(), burst.steadyMax(), burst.overallRate(), burst.inFlightMedian(), burst.inFlightPeak()));
        phases.stream().filter(p -> p.offeredRate() > 0).forEach(p -> measured.append(String.format(Locale.ROOT,
                "; paced at %,.0f/s: %,.0f/s reached the stand-in, p99 produce -> call %s, last call %.2f s after the "
                        + "last produce", p.offeredRate(), p.overallRate(), ms(p.delay().getValueAtPercentile(99)),
                p.drainSeconds())));
        md.append(String.format(Locale.ROOT, "| the mailer alone keeps >= %,d sends/s in flight against a %d ms SendCloud "
                + "| %s | %s |%n%n", TARGET_PER_SECOND, TARGET_LATENCY_MS, measured, status));
        md.append(String.format(Locale.ROOT, "At %d ms a reply, %,d sends/s means about %,.0f calls in flight at once. "
                + "`MAILER_SEND_CONCURRENCY` = %s bounds the mailer at %s.%n%n", settings.latencyMs(), TARGET_PER_SECOND,
                TARGET_PER_SECOND * settings.latencyMs() / 1000.0, settings.concurrencyLabel(), bound()));
    }

    private String bound() {
        try {
            int concurrency = Integer.parseInt(settings.concurrencyLabel().replaceAll("[^0-9].*", ""));
            return String.format(Locale.ROOT, "%,d / %.3f s = %,.0f sends/s", concurrency, settings.latencyMs() / 1000.0,
                    concurrency * 1000.0 / Math.max(1, settings.latencyMs()));
        }
        catch (NumberFormatException e) {
            return "(unknown)";
        }
    }

    private void correctness(StringBuilder md) {
        md.append("## Nothing lost, nothing doubled\n\n| check |");
        phases.forEach(p -> md.append(' ').append(p.name()).append(" |"));
        md.append("\n|---|").append("---|".repeat(phases.size())).append('\n');
        row(md, "events produced", p -> p.produced());
        row(md, "SendCloud calls for them", p -> p.calls());
        row(md, "events without a call (lost)", p -> p.lost());
        row(md, "extra calls (duplicates)", p -> p.duplicates());
        md.append(String.format(Locale.ROOT, "%nWarm-up events lost or doubled: %d. Calls for no produced event: %d. "
                + "Produce errors: %d.%n%n", warmUpProblems, unexpectedCalls, produceErrors));
        boolean clean = warmUpProblems == 0 && unexpectedCalls == 0 && produceErrors == 0
                && phases.stream().allMatch(p -> p.lost() == 0 && p.duplicates() == 0);
        md.append(clean ? "**Every event got exactly one SendCloud call.**\n\n" : "**NOT clean: see the counts above.**\n\n");
    }

    private void row(StringBuilder md, String name, java.util.function.ToLongFunction<MailerBenchmark.PhaseResult> value) {
        md.append("| ").append(name).append(" |");
        phases.forEach(p -> md.append(String.format(Locale.ROOT, " %,d |", value.applyAsLong(p))));
        md.append('\n');
    }

    private void processes(StringBuilder md) {
        md.append("## Processes\n\n| process | peak RSS |");
        phases.forEach(p -> md.append(" CPU seconds, ").append(p.name()).append(" |"));
        md.append(" CPU seconds, whole run |\n|---|---|").append("---|".repeat(phases.size())).append("---|\n");
        for (MailerBenchmark.ProcessRow row : processes) {
            md.append(String.format(Locale.ROOT, "| %s | %,d MB |", row.name(), row.peakRssKb() / 1024));
            row.cpuPerPhase().forEach(c -> md.append(String.format(Locale.ROOT, " %.1f |", c)));
            md.append(Double.isNaN(row.cpuTotal()) ? " - |\n" : String.format(Locale.ROOT, " %.1f |%n", row.cpuTotal()));
        }
        MailerBenchmark.ProcessRow mailer = processes.get(0);
        md.append('\n');
        for (int i = 0; i < phases.size(); i++) {
            MailerBenchmark.PhaseResult p = phases.get(i);
            md.append(String.format(Locale.ROOT, "mailer-service CPU per email, %s: %.2f ms.%n", p.name(),
                    mailer.cpuPerPhase().get(i) * 1000 / Math.max(1, p.calls())));
        }
        md.append("\nThe database server runs before and after the benchmark: only its per-phase CPU belongs to this run.\n");
    }

    private static String label(MailerBenchmark.PhaseResult p) {
        return p.offeredRate() > 0 ? String.format(Locale.ROOT, "%s (offered %,.0f/s)", p.name(), p.offeredRate()) : p.name();
    }

    private static String ms(long micros) {
        return micros >= 10_000 ? String.format(Locale.ROOT, "%,.0f ms", micros / 1000.0)
                : String.format(Locale.ROOT, "%.1f ms", micros / 1000.0);
    }
}
