package dev.verimail.faults;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;

import dev.verimail.faults.SendCloudLedger.Answer;
import dev.verimail.testbed.SmtpStandIn;
import dev.verimail.testbed.SmtpStandIn.Received;

/**
 * The SMTP stand-in in SendCloud's place, and a ledger of the messages it accepted: each as an {@link Answer}
 * (recipient, the link from its plain-text part, status 250), so {@link Scenario} counts SMTP emails as it counts
 * SendCloud's. A message counts once the server has acknowledged it with 250.
 */
final class SmtpLedger implements AutoCloseable {

    static final String USER = "verimail-fault";
    static final String PASSWORD = "fault-smtp-pw-51e0";
    private static final Pattern LINK = Pattern.compile("https?://\\S+");

    final SmtpStandIn server = SmtpStandIn.listen().credentials(USER, PASSWORD);
    private final List<Answer> answers = new ArrayList<>();
    private int seen;

    /** What the mailers need to send through this server: MAILER_TRANSPORT=smtp, a login, no STARTTLS. */
    Map<String, String> mailerEnvironment() {
        Map<String, String> env = new HashMap<>();
        env.put("MAILER_TRANSPORT", "smtp");
        env.put("SPRING_MAIL_HOST", server.host());
        env.put("SPRING_MAIL_PORT", Integer.toString(server.port()));
        env.put("SPRING_MAIL_USERNAME", USER);
        env.put("SPRING_MAIL_PASSWORD", PASSWORD);
        // the stand-in speaks no TLS
        env.put("SPRING_MAIL_PROPERTIES_MAIL_SMTP_STARTTLS_ENABLE", "false");
        env.put("SPRING_MAIL_PROPERTIES_MAIL_SMTP_STARTTLS_REQUIRED", "false");
        env.put("SPRING_MAIL_PROPERTIES_MAIL_SMTP_CONNECTIONTIMEOUT", "1000");
        env.put("SPRING_MAIL_PROPERTIES_MAIL_SMTP_TIMEOUT", "2000");
        env.put("SPRING_MAIL_PROPERTIES_MAIL_SMTP_WRITETIMEOUT", "2000");
        env.put("MAILER_SMTP_FROM", "no-reply@verimail.dev");
        env.put("MAILER_SMTP_FROM_NAME", "Verimail");
        return env;
    }

    /** Messages accepted for recipients whose address starts with {@code prefix}. */
    synchronized List<Answer> answers(String prefix) {
        List<Received> received = server.received();
        for (; seen < received.size(); seen++) {
            Received r = received.get(seen);
            for (String to : r.to()) {
                answers.add(new Answer(r.at(), to, link(r), null, 250, true));
            }
        }
        return answers.stream().filter(a -> a.to().startsWith(prefix)).toList();
    }

    private static String link(Received received) {
        try {
            MimeMessage message = received.message();
            String text = (String) ((Multipart) message.getContent()).getBodyPart(0).getContent();
            Matcher link = LINK.matcher(text);
            return link.find() ? link.group() : null;
        }
        catch (MessagingException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
