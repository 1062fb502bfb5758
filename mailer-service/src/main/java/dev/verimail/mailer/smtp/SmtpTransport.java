package dev.verimail.mailer.smtp;

import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;

import org.springframework.boot.mail.autoconfigure.MailProperties;
import org.springframework.context.annotation.Conditional;
import org.springframework.mail.MailException;
import org.springframework.mail.MailSendException;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.stereotype.Component;
import org.springframework.context.MessageSource;
import org.thymeleaf.ITemplateEngine;
import org.thymeleaf.context.Context;
import org.thymeleaf.spring6.SpringTemplateEngine;
import org.thymeleaf.templatemode.TemplateMode;
import org.thymeleaf.templateresolver.ClassLoaderTemplateResolver;

import dev.verimail.mailer.config.SmtpProperties;
import dev.verimail.mailer.config.Transport;
import dev.verimail.mailer.delivery.Mail;
import dev.verimail.mailer.delivery.MailTransport;
import dev.verimail.mailer.delivery.SendResult;

/**
 * Sends each email over SMTP through Boot's {@link JavaMailSender} ({@code SPRING_MAIL_*}), one connection per
 * email. The email is the one the built-in inbox shows: {@code multipart/alternative} with a plain-text part from
 * {@code templates/mail/verification.txt} (Thymeleaf TEXT mode) and an HTML part from
 * {@code templates/mail/verification.html}, both from the same variables ({@code signup-attempted.*} for the notice).
 * Each message carries {@code X-Verimail-Delivery: <eventId>}, {@code X-Verimail-Kind} and the Message-ID
 * {@code <eventId@domain of MAILER_SMTP_FROM>}, the same on every attempt; that Message-ID is the delivery's
 * {@code messageId}. Failures are read by {@link SmtpFailures}. Only with {@code MAILER_TRANSPORT=smtp}.
 */
@Component
@Conditional(Transport.IsSmtp.class)
class SmtpTransport implements MailTransport {

    static final String DELIVERY_HEADER = "X-Verimail-Delivery";
    static final String KIND_HEADER = "X-Verimail-Kind";

    private final JavaMailSender sender;
    private final SmtpProperties properties;
    private final ITemplateEngine html;
    private final ITemplateEngine text;
    private final String server;
    private final String password;
    private final InternetAddress from;

    private final MessageSource messages;

    SmtpTransport(JavaMailSender sender, MailProperties mail, SmtpProperties properties, ITemplateEngine templates,
            MessageSource messages) {
        this.sender = sender;
        this.messages = messages;
        this.text = textTemplates(messages);
        this.properties = properties;
        this.html = templates;
        this.password = mail.getPassword();
        String starttls = Boolean.parseBoolean(mail.getProperties().getOrDefault("mail.smtp.starttls.required", "false"))
                ? "STARTTLS required"
                : Boolean.parseBoolean(mail.getProperties().getOrDefault("mail.smtp.starttls.enable", "false"))
                        ? "STARTTLS if offered" : "no STARTTLS";
        this.server = mail.getHost() + ":" + (mail.getPort() == null ? "25" : mail.getPort()) + " (" + starttls
                + (mail.getUsername() == null || mail.getUsername().isBlank() ? ", no login"
                        : ", as user " + mail.getUsername()) + ")";
        try {
            this.from = new InternetAddress(properties.from(), properties.fromName(), StandardCharsets.UTF_8.name());
        }
        catch (UnsupportedEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The plain-text templates: {@code templates/mail/<name>.txt}, Thymeleaf TEXT mode, nothing escaped. */
    private static ITemplateEngine textTemplates(MessageSource messages) {
        ClassLoaderTemplateResolver resolver = new ClassLoaderTemplateResolver(SmtpTransport.class.getClassLoader());
        resolver.setPrefix("templates/");
        resolver.setSuffix(".txt");
        resolver.setTemplateMode(TemplateMode.TEXT);
        resolver.setCharacterEncoding(StandardCharsets.UTF_8.name());
        resolver.setCacheable(true);
        SpringTemplateEngine engine = new SpringTemplateEngine();
        engine.setTemplateResolver(resolver);
        // #{...} in the text templates: the service's messages*.properties
        engine.setTemplateEngineMessageSource(messages);
        return engine;
    }

    @Override
    public String name() {
        return "smtp";
    }

    @Override
    public String describe() {
        return "SMTP server " + server + ", from " + properties.from();
    }

    @Override
    public SendResult send(Mail mail) {
        MimeMessage message;
        try {
            message = compose(mail);
        }
        catch (AddressException e) {
            return SendResult.permanentFailure(null, "SMTP: the recipient address cannot be used: "
                    + SmtpFailures.clean(String.valueOf(e.getMessage()), mail.link(), password));
        }
        catch (MessagingException e) {
            return SendResult.permanentFailure(null, "SMTP: the email cannot be composed: "
                    + SmtpFailures.clean(String.valueOf(e.getMessage()), mail.link(), password));
        }
        try {
            sender.send(message);
            return SendResult.sent(messageId(mail));
        }
        catch (MailSendException e) {
            Exception failure = e.getFailedMessages().get(message);
            if (failure == null && e.getFailedMessages().isEmpty()) {
                // the server accepted the message (250 after DATA); only closing the connection failed
                return SendResult.sent(messageId(mail));
            }
            return SmtpFailures.interpret(failure != null ? failure : e, mail.link(), password);
        }
        catch (MailException e) {
            return SmtpFailures.interpret(e, mail.link(), password);
        }
    }

    MimeMessage compose(Mail mail) throws MessagingException {
        boolean notice = mail.kind() == Mail.Kind.SIGNUP_ATTEMPTED;
        boolean change = mail.kind() == Mail.Kind.EMAIL_CHANGE_NOTICE;
        String subject = change ? messages.getMessage("change.notice.subject", null, Locale.ENGLISH)
                : notice ? properties.noticeSubject() : properties.subject();
        Map<String, Object> variables = new HashMap<>();
        variables.put("name", mail.name());
        variables.put("subject", subject);
        if (change) {
            variables.put("changedTo", mail.changedTo());
        }
        else if (!notice) {
            variables.put("link", mail.link());
        }
        String template = change ? "mail/email-change" : notice ? "mail/signup-attempted" : "mail/verification";
        String htmlBody = html.process(template, new Context(Locale.ENGLISH, variables));
        String textBody = text.process(template, new Context(Locale.ENGLISH, variables));

        MimeBodyPart textPart = new MimeBodyPart();
        textPart.setText(textBody, StandardCharsets.UTF_8.name(), "plain");
        MimeBodyPart htmlPart = new MimeBodyPart();
        htmlPart.setText(htmlBody, StandardCharsets.UTF_8.name(), "html");
        // least preferred first (RFC 2046): a client that can show HTML shows the last part
        MimeMultipart alternative = new MimeMultipart("alternative");
        alternative.addBodyPart(textPart);
        alternative.addBodyPart(htmlPart);

        MimeMessage message = sender.createMimeMessage();
        message.setFrom(from);
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(mail.to(), true));
        message.setSubject(subject, StandardCharsets.UTF_8.name());
        message.setContent(alternative);
        // JavaMailSenderImpl keeps a Message-ID that is set before it sends
        message.setHeader("Message-ID", messageId(mail));
        message.setHeader(DELIVERY_HEADER, mail.eventId().toString());
        message.setHeader(KIND_HEADER, change ? "email-change" : notice ? "signup-attempted" : "verification");
        return message;
    }

    String messageId(Mail mail) {
        return "<" + mail.eventId() + "@" + properties.domain() + ">";
    }
}
