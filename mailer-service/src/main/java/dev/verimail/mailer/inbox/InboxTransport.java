package dev.verimail.mailer.inbox;

import java.time.Clock;
import java.util.Locale;
import java.util.Map;

import org.springframework.context.annotation.Conditional;
import org.springframework.stereotype.Component;
import org.thymeleaf.ITemplateEngine;
import org.thymeleaf.context.Context;

import dev.verimail.mailer.config.SendCloudProperties;
import dev.verimail.mailer.delivery.Mail;
import dev.verimail.mailer.delivery.MailTransport;
import dev.verimail.mailer.delivery.SendResult;
import dev.verimail.mailer.sendcloud.SendCloudCredentials;

/**
 * Stores the email instead of sending it, in a short transaction of its own (nothing around a send holds one). The
 * body comes from {@code templates/mail/verification.html}.
 */
@Component
@Conditional(SendCloudCredentials.Absent.class)
class InboxTransport implements MailTransport {

    static final String DEFAULT_SUBJECT = "Please verify your email address";

    private final InboxMessages messages;
    private final ITemplateEngine templates;
    private final Clock clock;
    private final String subject;

    InboxTransport(InboxMessages messages, ITemplateEngine templates, Clock clock, SendCloudProperties sendCloud) {
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
        return "built-in inbox (SENDCLOUD_API_USER/SENDCLOUD_API_KEY not set): emails are shown at GET /inbox "
                + "and GET /api/inbox?to=, nothing is sent";
    }

    @Override
    public SendResult send(Mail mail) {
        String html = templates.process("mail/verification",
                new Context(Locale.ENGLISH, Map.of("name", mail.name(), "link", mail.link(), "subject", subject)));
        messages.save(new InboxEmail(mail.eventId(), mail.to(), subject, mail.name(), mail.link(), html, clock.instant()));
        return SendResult.sent("inbox-" + mail.eventId());
    }
}
