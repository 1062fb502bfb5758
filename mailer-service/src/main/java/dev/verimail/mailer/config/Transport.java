package dev.verimail.mailer.config;

import java.util.Locale;

import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Where mail goes: {@code mailer.transport} ({@code MAILER_TRANSPORT}), {@code sendcloud} by default. Chosen only by
 * that setting, never guessed from which other settings are there: with {@code sendcloud} and SendCloud settings
 * missing the mailer does not start ({@link MailerStartupCheck}).
 */
public enum Transport {

    /** SendCloud's template API: production. */
    SENDCLOUD,
    /** Any SMTP server (Boot's {@code SPRING_MAIL_*}, sender {@code MAILER_SMTP_*}): {@code dev.verimail.mailer.smtp}. */
    SMTP,
    /** The built-in inbox: nothing leaves the machine, every email (and its live link) is shown at {@code /inbox}. */
    INBOX;

    public static final String PROPERTY = "mailer.transport";
    public static final String VARIABLE = "MAILER_TRANSPORT";

    /** The setting's value; {@code sendcloud} when unset. Null when it names no transport this version has. */
    static Transport of(String value) {
        String v = value == null || value.isBlank() ? "sendcloud" : value.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "sendcloud" -> SENDCLOUD;
            case "smtp" -> SMTP;
            case "inbox" -> INBOX;
            default -> null;
        };
    }

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    private static boolean is(ConditionContext context, Transport transport) {
        return of(context.getEnvironment().getProperty(PROPERTY)) == transport;
    }

    /** Matches when {@code mailer.transport} is {@code sendcloud} (or unset). */
    public static final class IsSendCloud implements Condition {

        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return is(context, SENDCLOUD);
        }
    }

    /** Matches when {@code mailer.transport} is {@code smtp}. */
    public static final class IsSmtp implements Condition {

        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return is(context, SMTP);
        }
    }

    /** Matches when {@code mailer.transport} is {@code inbox}: the inbox's pages, APIs and clean-up exist only then. */
    public static final class IsInbox implements Condition {

        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return is(context, INBOX);
        }
    }
}
