package dev.verimail.mailer.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Map;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.internet.InternetAddress;

import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.util.MailConnectException;
import org.eclipse.angus.mail.util.SocketConnectException;
import org.junit.jupiter.api.Test;
import org.springframework.mail.MailAuthenticationException;
import org.springframework.mail.MailSendException;

import dev.verimail.mailer.delivery.SendResult;
import dev.verimail.mailer.delivery.SendResult.Outcome;

/** How the failures Angus Mail and Spring report become a delivery's outcome, without a server. */
class SmtpFailuresTests {

    private static final String LINK = "https://verimail.example/verify?token=tok&authcode=SECRET-AUTH-1";
    private static final String PASSWORD = "smtp-password-never-shown";

    @Test
    void a4xxReplyToDataIsTransientWithItsCodeAndText() throws Exception {
        SendResult r = SmtpFailures.interpret(new MailSendException(Map.of(new Object(),
                new SMTPSendFailedException(".", 451, "451 4.3.0 Try again later\n", null, null, null, null))), LINK, PASSWORD);

        assertThat(r.outcome()).isEqualTo(Outcome.TRANSIENT);
        assertThat(r.code()).isEqualTo(451);
        assertThat(r.error()).isEqualTo("SMTP 451: 4.3.0 Try again later");
    }

    @Test
    void a5xxReplyToRcptIsPermanentWithTheReplyCode() throws Exception {
        SMTPAddressFailedException refused = new SMTPAddressFailedException(new InternetAddress("nobody@example.com"),
                "RCPT TO:<nobody@example.com>", 550, "550 5.1.1 <nobody@example.com>: user unknown");
        SendResult r = SmtpFailures.interpret(new SendFailedException("Invalid Addresses", refused), LINK, PASSWORD);

        assertThat(r.outcome()).isEqualTo(Outcome.PERMANENT);
        assertThat(r.code()).isEqualTo(550);
        assertThat(r.error()).isEqualTo("SMTP 550: 5.1.1 <nobody@example.com>: user unknown");
    }

    @Test
    void a4xxReplyToRcptIsTransient() throws Exception {
        SMTPAddressFailedException full = new SMTPAddressFailedException(new InternetAddress("full@example.com"),
                "RCPT TO:<full@example.com>", 452, "452 4.2.2 Mailbox full");
        SendResult r = SmtpFailures.interpret(new SendFailedException("Invalid Addresses", full), LINK, PASSWORD);

        assertThat(r.outcome()).isEqualTo(Outcome.TRANSIENT);
        assertThat(r.code()).isEqualTo(452);
    }

    @Test
    void noConnectionUnknownHostAndTimeoutsAreTransientWithoutACode() {
        SendResult refused = SmtpFailures.interpret(new MailSendException("Mail server connection failed",
                new MailConnectException(new SocketConnectException("Using SocketFactory", new ConnectException("Connection refused"),
                        "smtp.example.com", 587, 5000))), LINK, PASSWORD);
        SendResult unknown = SmtpFailures.interpret(new MailConnectException(new SocketConnectException("Using SocketFactory",
                new UnknownHostException("smtp.invalid"), "smtp.invalid", 25, 5000)), LINK, PASSWORD);
        SendResult timeout = SmtpFailures.interpret(new MessagingException("Exception reading response",
                new SocketTimeoutException("Read timed out")), LINK, PASSWORD);

        assertThat(refused).isEqualTo(SendResult.transientFailure(null,
                "Cannot connect to the SMTP server smtp.example.com:587: ConnectException"));
        assertThat(unknown).isEqualTo(SendResult.transientFailure(null, "Cannot resolve the SMTP host (UnknownHostException)"));
        assertThat(timeout).isEqualTo(SendResult.transientFailure(null,
                "No reply from the SMTP server in time (SocketTimeoutException)"));
    }

    @Test
    void aRefusedLoginIsPermanentAndNamesTheSettingsNotThePassword() {
        SendResult r = SmtpFailures.interpret(new MailAuthenticationException(
                new AuthenticationFailedException("535 5.7.8 Authentication failed for " + PASSWORD + "\n")), LINK, PASSWORD);

        assertThat(r.outcome()).isEqualTo(Outcome.PERMANENT);
        assertThat(r.code()).isEqualTo(535);
        assertThat(r.error()).contains("SMTP login refused (535)").contains("SPRING_MAIL_PASSWORD")
                .doesNotContain(PASSWORD);
    }

    @Test
    void theErrorNeverHoldsTheLinkAnAuthcodeOrThePasswordAndIsOneShortLine() throws Exception {
        SendResult r = SmtpFailures.interpret(new SMTPSendFailedException(".", 554, "554 5.7.1 rejected: " + LINK
                + "\r\n other authcode=ANOTHER-SECRET pass " + PASSWORD + " " + "x".repeat(500), null, null, null, null),
                LINK, PASSWORD);

        assertThat(r.outcome()).isEqualTo(Outcome.PERMANENT);
        assertThat(r.error()).doesNotContain("SECRET").doesNotContain(PASSWORD).doesNotContain("\n")
                .doesNotContain("\r").hasSizeLessThanOrEqualTo("SMTP 554: ".length() + SmtpFailures.MAX_TEXT + 1);
    }

    @Test
    void anythingElseIsTransient() {
        SendResult r = SmtpFailures.interpret(new MessagingException("STARTTLS is required but host does not support STARTTLS"),
                LINK, PASSWORD);

        assertThat(r).isEqualTo(SendResult.transientFailure(null,
                "SMTP: STARTTLS is required but host does not support STARTTLS"));
    }
}
