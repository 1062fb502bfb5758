package dev.verimail.mailer.inbox;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

import org.springframework.context.MessageSource;
import org.springframework.context.annotation.Conditional;
import org.springframework.stereotype.Component;
import org.thymeleaf.ITemplateEngine;
import org.thymeleaf.context.Context;

import dev.verimail.mailer.config.SendCloudProperties;
import dev.verimail.mailer.config.Transport;
import dev.verimail.mailer.delivery.Mail;
import dev.verimail.mailer.delivery.MailTransport;
import dev.verimail.mailer.delivery.SendResult;

/**
 * Stores the email instead of sending it, in a short transaction of its own (nothing around a send holds one). The
 * body comes from {@code templates/mail/verification.html}, or {@code templates/mail/signup-attempted.html} for the
 * "someone tried to sign up with your address" notice, in the email's language ({@code messages*.properties}); the
 * subject is {@code SENDCLOUD_SUBJECT} (English) or {@code SENDCLOUD_SUBJECT_ZH_CN} (Chinese) when set, else the
 * bundle's. Only with {@code MAILER_TRANSPORT=inbox}.
 */
@Component
@Conditional(Transport.IsInbox.class)
class InboxTransport implements MailTransport {

    static final String DEFAULT_SUBJECT = "Please verify your email address";
    static final String NOTICE_SUBJECT = "Someone tried to sign up with your email address";

    private final InboxMessages messages;
    private final ITemplateEngine templates;
    private final Clock clock;
    private final SendCloudProperties sendCloud;
    private final MessageSource texts;

    InboxTransport(InboxMessages messages, ITemplateEngine templates, Clock clock, SendCloudProperties sendCloud,
            MessageSource texts) {
        this.messages = messages;
        this.templates = templates;
        this.clock = clock;
        this.sendCloud = sendCloud;
        this.texts = texts;
    }

    private String subject(Mail mail) {
        if (mail.kind() == Mail.Kind.SIGNUP_ATTEMPTED) {
            return texts.getMessage("mail.notice.subject", null, NOTICE_SUBJECT, mail.locale());
        }
        String configured = mail.chinese() ? sendCloud.subjectZhCn() : sendCloud.subject();
        return configured != null && !configured.isBlank() ? configured
                : texts.getMessage("mail.verification.subject", null, DEFAULT_SUBJECT, mail.locale());
    }

    @Override
    public String name() {
        return "inbox";
    }

    @Override
    public String describe() {
        return "built-in inbox (MAILER_TRANSPORT=inbox): emails are shown at GET /inbox and GET /api/inbox?to=, "
                + "nothing is sent";
    }

    @Override
    public boolean developmentOnly() {
        return true;
    }

    @Override
    public SendResult send(Mail mail) {
        boolean notice = mail.kind() == Mail.Kind.SIGNUP_ATTEMPTED;
        boolean change = mail.kind() == Mail.Kind.EMAIL_CHANGE_NOTICE;
        String title = change ? texts.getMessage("change.notice.subject", null, mail.locale()) : subject(mail);
        Map<String, Object> variables = new HashMap<>();
        variables.put("name", mail.name());
        variables.put("subject", title);
        if (change) {
            variables.put("changedTo", mail.changedTo());
        }
        else if (!notice) {
            variables.put("link", mail.link());
            variables.put("code", mail.code());
            variables.put("codePage", mail.codePage());
        }
        String html = templates.process(change ? "mail/email-change" : notice ? "mail/signup-attempted"
                : "mail/verification", new Context(mail.locale(), variables));
        messages.save(new InboxEmail(mail.eventId(), mail.to(), title, mail.name(), mail.link(), html, clock.instant()));
        return SendResult.sent("inbox-" + mail.eventId());
    }
}
