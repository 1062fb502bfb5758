package dev.verimail.mailer.smtp;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;

import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;
import org.eclipse.angus.mail.util.MailConnectException;
import org.springframework.mail.MailSendException;

import dev.verimail.mailer.delivery.SendResult;

/**
 * What a failed SMTP send means for the delivery. The server's reply code decides: 4xx is transient (retried), 5xx
 * permanent ({@code code} = the reply code, e.g. 550). Without a reply (connection refused, unknown host, a
 * timeout, the connection lost) the failure is transient; a rejected login is permanent, like SendCloud's 40005.
 * The error text ({@code "SMTP 451: 4.3.0 try again later"}) is cut to {@value #MAX_TEXT} characters and holds no
 * secret: the link, any {@code authcode=} and the SMTP password are masked even if the server echoes them.
 */
final class SmtpFailures {

    static final int MAX_TEXT = 300;
    private static final Pattern REPLY = Pattern.compile("^\\s*([2-5][0-9][0-9])(?:[ -]|$)(.*)", Pattern.DOTALL);

    private SmtpFailures() {
    }

    /**
     * @param failure  what the send threw (Spring's wrapper, whose failed messages are looked into, or the Jakarta
     *                 Mail exception inside)
     * @param secrets  strings that must not reach the error text (the link, the password); nulls are ignored
     */
    static SendResult interpret(Throwable failure, String... secrets) {
        List<Throwable> chain = chain(failure);
        for (Throwable t : chain) {
            Integer code = returnCode(t);
            if (code != null) {
                return byCode(code, replyText(t.getMessage(), code), secrets);
            }
        }
        for (Throwable t : chain) {
            if (t instanceof AuthenticationFailedException) {
                Matcher reply = t.getMessage() == null ? null : REPLY.matcher(t.getMessage());
                Integer code = reply != null && reply.matches() ? Integer.valueOf(reply.group(1)) : null;
                String text = "SMTP login refused" + (code == null ? "" : " (" + code + ")")
                        + (reply != null && reply.matches() ? ": " + clean(reply.group(2), secrets) : "")
                        + "; check SPRING_MAIL_USERNAME / SPRING_MAIL_PASSWORD";
                return code != null && code < 500 ? SendResult.transientFailure(code, text)
                        : SendResult.permanentFailure(code, text);
            }
        }
        for (Throwable t : chain) {
            if (t instanceof UnknownHostException) {
                return SendResult.transientFailure(null, "Cannot resolve the SMTP host (UnknownHostException)");
            }
        }
        for (Throwable t : chain) {
            if (t instanceof MailConnectException connect) {
                return SendResult.transientFailure(null, "Cannot connect to the SMTP server " + connect.getHost() + ":"
                        + connect.getPort() + ": " + rootName(t));
            }
        }
        for (Throwable t : chain) {
            if (t instanceof SocketTimeoutException) {
                return SendResult.transientFailure(null, "No reply from the SMTP server in time (SocketTimeoutException)");
            }
        }
        for (Throwable t : chain) {
            if (t instanceof IOException) {
                return SendResult.transientFailure(null, "Connection to the SMTP server lost: " + t.getClass().getSimpleName());
            }
        }
        String message = failure.getMessage();
        return SendResult.transientFailure(null, "SMTP: " + (message == null || message.isBlank()
                ? failure.getClass().getSimpleName() : clean(message, secrets)));
    }

    private static SendResult byCode(int code, String text, String... secrets) {
        String error = "SMTP " + code + (text.isBlank() ? "" : ": " + clean(text, secrets));
        return code >= 500 && code <= 599 ? SendResult.permanentFailure(code, error)
                : SendResult.transientFailure(code, error);
    }

    /** The SMTP reply code an exception of Angus Mail carries, or null. */
    private static Integer returnCode(Throwable t) {
        int code = -1;
        if (t instanceof SMTPSendFailedException e) {
            code = e.getReturnCode();
        }
        else if (t instanceof SMTPAddressFailedException e) {
            code = e.getReturnCode();
        }
        else if (t instanceof SMTPSenderFailedException e) {
            code = e.getReturnCode();
        }
        return code >= 200 && code <= 599 ? code : null;
    }

    /** The server's reply without its leading code ({@code "451 4.3.0 later"} becomes {@code "4.3.0 later"}). */
    private static String replyText(String message, int code) {
        if (message == null) {
            return "";
        }
        Matcher reply = REPLY.matcher(message);
        return reply.matches() && reply.group(1).equals(Integer.toString(code)) ? reply.group(2) : message;
    }

    /** One line, at most {@value #MAX_TEXT} characters, secrets masked. */
    static String clean(String text, String... secrets) {
        String safe = text.replaceAll("[\\r\\n\\t]+", " ").strip();
        for (String secret : secrets) {
            if (secret != null && !secret.isEmpty()) {
                safe = safe.replace(secret, "******");
            }
        }
        safe = safe.replaceAll("authcode=[^&\\s\"'<>]*", "authcode=******");
        return safe.length() > MAX_TEXT ? safe.substring(0, MAX_TEXT) + "…" : safe;
    }

    private static String rootName(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName();
    }

    /** The failure, its causes and, for Jakarta Mail, the next exceptions: each once, outermost first. */
    private static List<Throwable> chain(Throwable failure) {
        List<Throwable> chain = new ArrayList<>();
        Set<Throwable> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        List<Throwable> todo = new ArrayList<>(List.of(failure));
        while (!todo.isEmpty() && chain.size() < 32) {
            Throwable t = todo.remove(0);
            if (t == null || !seen.add(t)) {
                continue;
            }
            chain.add(t);
            if (t instanceof MessagingException m && m.getNextException() != null) {
                todo.add(m.getNextException());
            }
            if (t instanceof MailSendException send) {
                todo.addAll(List.of(send.getMessageExceptions()));
            }
            todo.add(t.getCause());
        }
        return chain;
    }
}
