package dev.verimail.mailer.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The sender of emails sent over SMTP ({@code mailer.smtp.*}; in the environment {@code MAILER_SMTP_FROM},
 * {@code MAILER_SMTP_FROM_NAME}, {@code MAILER_SMTP_SUBJECT}, {@code MAILER_SMTP_NOTICE_SUBJECT},
 * {@code MAILER_SMTP_SUBJECT_ZH_CN}, {@code MAILER_SMTP_NOTICE_SUBJECT_ZH_CN}). Used when
 * {@code MAILER_TRANSPORT=smtp}; the server itself is Boot's {@code spring.mail.*} ({@code SPRING_MAIL_HOST},
 * {@code _PORT}, {@code _USERNAME}, {@code _PASSWORD}). {@link MailerStartupCheck} refuses to start without a host
 * and a sender address.
 *
 * @param from          sender address (required with smtp); its domain also names our Message-IDs
 * @param fromName      sender name (optional)
 * @param subject       subject of the verification email
 * @param noticeSubject subject of the "someone tried to sign up with your address" notice
 * @param subjectZhCn   subject of the Simplified Chinese verification email; unset: the text of
 *                      {@code messages_zh_CN.properties}
 * @param noticeSubjectZhCn subject of the Chinese notice; unset: the text of {@code messages_zh_CN.properties}
 */
@ConfigurationProperties("mailer.smtp")
public record SmtpProperties(
        String from,
        String fromName,
        @DefaultValue("Please verify your email address") String subject,
        @DefaultValue("Someone tried to sign up with your email address") String noticeSubject,
        String subjectZhCn,
        String noticeSubjectZhCn) {

    @ConstructorBinding
    public SmtpProperties {
        subject = blank(subject) ? "Please verify your email address" : subject.strip();
        noticeSubject = blank(noticeSubject) ? "Someone tried to sign up with your email address" : noticeSubject.strip();
        from = blank(from) ? null : from.strip();
        fromName = blank(fromName) ? null : fromName.strip();
        subjectZhCn = blank(subjectZhCn) ? null : subjectZhCn.strip();
        noticeSubjectZhCn = blank(noticeSubjectZhCn) ? null : noticeSubjectZhCn.strip();
    }

    /** Without Chinese subjects: Chinese emails take theirs from {@code messages_zh_CN.properties}. */
    public SmtpProperties(String from, String fromName, String subject, String noticeSubject) {
        this(from, fromName, subject, noticeSubject, null, null);
    }

    /** The part of {@link #from} after the {@code @}: the right-hand side of our Message-IDs. */
    public String domain() {
        return from == null || from.indexOf('@') < 0 ? "localhost" : from.substring(from.lastIndexOf('@') + 1);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
