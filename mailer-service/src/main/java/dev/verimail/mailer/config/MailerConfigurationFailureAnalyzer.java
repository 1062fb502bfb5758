package dev.verimail.mailer.config;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a {@link MailerConfigurationException} into Boot's "APPLICATION FAILED TO START" report, without a trace. */
class MailerConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<MailerConfigurationException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, MailerConfigurationException cause) {
        return new FailureAnalysis("The mailer's configuration is incomplete or unsafe:\n\n  - "
                + String.join("\n  - ", cause.problems()), cause.action(), cause);
    }
}
