package dev.verimail.mailer.config;

import java.util.List;

/**
 * The mailer's settings do not let it start: each problem names the environment variables involved, never a
 * value that could be secret. {@link MailerConfigurationFailureAnalyzer} shows it as Boot's start-up failure report.
 */
public class MailerConfigurationException extends RuntimeException {

    private final List<String> problems;
    private final String action;

    MailerConfigurationException(List<String> problems, String action) {
        super("The mailer cannot start: " + String.join(" ", problems), null, false, false);
        this.problems = List.copyOf(problems);
        this.action = action;
    }

    public List<String> problems() {
        return problems;
    }

    public String action() {
        return action;
    }
}
