package dev.verimail.mailer.inbox;

import java.time.Clock;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import org.springframework.context.annotation.Conditional;
import org.springframework.stereotype.Component;
import org.springframework.context.MessageSource;
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
 * "someone tried to sign up with your address" notice. Only with {@code MAILER_TRANSPORT=inbox}.
 */
@Component
@Conditional(Transport.IsInbox.class)
class InboxTransport implements MailTransport {

    static final String DEFAULT_SUBJECT = "Please verify your email address";
    static final String NOTICE_SUBJECT = "Someone tried to sign up with your email address";

    private final InboxMessages messages;
    private final ITemplateEngine templates;
    private final Clock clock;
    private final String subject;

    private final MessageSource texts;

    InboxTransport(InboxMessages messages, ITemplateEngine templates, Clock clock, SendCloudProperties sendCloud,
            MessageSource texts) {
        this.texts = texts;
        this.messages = messages;
        this.templates = templates;
        this.clock = clock;
        this.subject = sendCloud.subject() == null || sendCloud.subject().isBlank() ? DEFAULT_SUBJECT : sendCloud.subject();
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
        String title = change ? texts.getMessage("change.notice.subject", null, Locale.ENGLISH)
                : notice ? NOTICE_SUBJECT : subject;
        Map<String, Object> variables = new HashMap<>();
        variables.put("name", mail.name());
        variables.put("subject", title);
        if (change) {
            variables.put("changedTo", mail.changedTo());
        }
        else if (!notice) {
            variables.put("link", mail.link());
        }
        String html = templates.process(change ? "mail/email-change" : notice ? "mail/signup-attempted"
                : "mail/verification", new Context(Locale.ENGLISH, variables));
        messages.save(new InboxEmail(mail.eventId(), mail.to(), title, mail.name(), mail.link(), html, clock.instant()));
        return SendResult.sent("inbox-" + mail.eventId());
    }
}
