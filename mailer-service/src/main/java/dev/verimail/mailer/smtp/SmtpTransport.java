package dev.verimail.mailer.smtp;

import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.mail.autoconfigure.MailProperties;
import org.springframework.context.MessageSource;
import org.springframework.context.support.ResourceBundleMessageSource;
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
 * {@code messageId}. Failures are read by {@link SmtpFailures}. Only with {@code MAILER_TRANSPORT=smtp}. The texts
 * are the email's language's ({@code messages*.properties}); the subject is {@code MAILER_SMTP_SUBJECT} /
 * {@code _NOTICE_SUBJECT} in English, {@code MAILER_SMTP_SUBJECT_ZH_CN} / {@code _NOTICE_SUBJECT_ZH_CN} (default: the
 * bundle's) in Chinese.
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
    private final MessageSource texts;
    private final String server;
    private final String password;
    private final InternetAddress from;

    /** With the texts of {@code messages*.properties} on the class path, as Boot reads them. */
    SmtpTransport(JavaMailSender sender, MailProperties mail, SmtpProperties properties, ITemplateEngine templates) {
        this(sender, mail, properties, templates, classPathTexts());
    }

    @Autowired
    SmtpTransport(JavaMailSender sender, MailProperties mail, SmtpProperties properties, ITemplateEngine templates,
            MessageSource texts) {
        this.texts = texts;
        this.text = textTemplates(texts);
        this.sender = sender;
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
    /** {@code messages*.properties} from the class path, UTF-8, English for a language without a bundle. */
    static MessageSource classPathTexts() {
        ResourceBundleMessageSource source = new ResourceBundleMessageSource();
        source.setBasename("messages");
        source.setDefaultEncoding(StandardCharsets.UTF_8.name());
        source.setFallbackToSystemLocale(false);
        return source;
    }

    private static ITemplateEngine textTemplates(MessageSource texts) {
        ClassLoaderTemplateResolver resolver = new ClassLoaderTemplateResolver(SmtpTransport.class.getClassLoader());
        resolver.setPrefix("templates/");
        resolver.setSuffix(".txt");
        resolver.setTemplateMode(TemplateMode.TEXT);
        resolver.setCharacterEncoding(StandardCharsets.UTF_8.name());
        resolver.setCacheable(true);
        SpringTemplateEngine engine = new SpringTemplateEngine();
        engine.setTemplateResolver(resolver);
        // #{...} in the text templates: the service's messages*.properties
        engine.setTemplateEngineMessageSource(texts);
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
                    + SmtpFailures.clean(String.valueOf(e.getMessage()), mail.link(), mail.code(), password));
        }
        catch (MessagingException e) {
            return SendResult.permanentFailure(null, "SMTP: the email cannot be composed: "
                    + SmtpFailures.clean(String.valueOf(e.getMessage()), mail.link(), mail.code(), password));
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
            return SmtpFailures.interpret(failure != null ? failure : e, mail.link(), mail.code(), password);
        }
        catch (MailException e) {
            return SmtpFailures.interpret(e, mail.link(), mail.code(), password);
        }
    }

    MimeMessage compose(Mail mail) throws MessagingException {
        boolean notice = mail.kind() == Mail.Kind.SIGNUP_ATTEMPTED;
        boolean change = mail.kind() == Mail.Kind.EMAIL_CHANGE_NOTICE;
        String subject = change ? texts.getMessage("change.notice.subject", null, mail.locale())
                : subject(mail, notice);
        Map<String, Object> variables = new HashMap<>();
        variables.put("name", mail.name());
        variables.put("subject", subject);
        if (change) {
            variables.put("changedTo", mail.changedTo());
        }
        else if (!notice) {
            variables.put("link", mail.link());
            variables.put("code", mail.code());
            variables.put("codePage", mail.codePage());
        }
        String template = change ? "mail/email-change" : notice ? "mail/signup-attempted" : "mail/verification";
        String htmlBody = html.process(template, new Context(mail.locale(), variables));
        String textBody = text.process(template, new Context(mail.locale(), variables));

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

    private String subject(Mail mail, boolean notice) {
        if (!mail.chinese()) {
            return notice ? properties.noticeSubject() : properties.subject();
        }
        String configured = notice ? properties.noticeSubjectZhCn() : properties.subjectZhCn();
        return configured != null ? configured
                : texts.getMessage(notice ? "mail.notice.subject" : "mail.verification.subject", null, mail.locale());
    }

    String messageId(Mail mail) {
        return "<" + mail.eventId() + "@" + properties.domain() + ">";
    }
}
