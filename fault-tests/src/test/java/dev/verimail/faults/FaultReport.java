package dev.verimail.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The counts of one fault scenario as a small Markdown table: printed, and written to
 * {@code target/fault-report/<scenario>.md} so that a CI run keeps them.
 */
final class FaultReport {

    private final String scenario;
    private final String title;
    private final Map<String, String> rows = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();

    FaultReport(String scenario, String title) {
        this.scenario = scenario;
        this.title = title;
    }

    FaultReport row(String what, Object value) {
        rows.put(what, String.valueOf(value));
        return this;
    }

    FaultReport note(String note) {
        notes.add(note);
        return this;
    }

    /** The counts every scenario reports. */
    FaultReport counts(Tally tally) {
        row("sign-up requests", tally.requests());
        row("accepted (202)", tally.accepted());
        row("other answers", tally.otherAnswers());
        row("SendCloud calls", tally.sendCloudCalls());
        row("emails sent (successful calls)", tally.emailsSent());
        row("emails per accepted sign-up (min-max)", tally.minEmails() + "-" + tally.maxEmails());
        row("duplicates (extra emails)", tally.duplicates());
        row("emails to addresses not accepted", tally.emailsToUnaccepted());
        row("deliveries FAILED", tally.deliveriesFailed());
        row("confirms", tally.confirms());
        row("users VERIFIED", tally.verifiedUsers());
        row("EmailVerified events (distinct / records)", tally.emailVerifiedEvents() + " / " + tally.emailVerifiedRecords());
        row("users with more than one EmailVerified", tally.usersWithSeveralEvents());
        row("readable records dead-lettered", tally.deadLettered());
        return this;
    }

    String markdown() {
        StringBuilder md = new StringBuilder("### ").append(title).append("\n\n| count | value |\n|---|---|\n");
        rows.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        if (!notes.isEmpty()) {
            md.append('\n');
            notes.forEach(n -> md.append("- ").append(n).append('\n'));
        }
        return md.toString();
    }

    /** Prints the table and writes it; call it before asserting, so a failing run still leaves its counts. */
    void write() {
        String md = markdown();
        System.out.println("\n" + md);
        Path dir = Path.of(System.getProperty("verimail.fault-report", "target/fault-report"));
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(scenario + ".md"), md);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
