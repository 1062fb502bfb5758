package dev.verimail.mailer.delivery;

/** Where verification emails go: SendCloud, or the built-in inbox when no credentials are configured. */
public interface MailTransport {

    /** One call, no retries of its own; blocking. Must not throw for failures of the far side: it reports them. */
    SendResult send(Mail mail);

    /** For the startup log and the metrics tag: which transport this is, without any secret. */
    String describe();

    /** Short name: {@code sendcloud} or {@code inbox}. */
    String name();
}
