package dev.verimail.mailer.delivery;

/** Where emails go: SendCloud, or the built-in inbox ({@code MAILER_TRANSPORT}). */
public interface MailTransport {

    /** One call, no retries of its own; blocking. Must not throw for failures of the far side: it reports them. */
    SendResult send(Mail mail);

    /** For the startup log and the metrics tag: which transport this is, without any secret. */
    String describe();

    /** Short name: {@code sendcloud} or {@code inbox}. */
    String name();

    /**
     * Whether it can send {@link Mail.Kind#SIGNUP_ATTEMPTED} notices now. When not (SendCloud without a notice
     * template), such notices are recorded as skipped instead of sent; {@link #whyNoNotices()} says why.
     */
    default boolean sendsNotices() {
        return true;
    }

    /** Why {@link #sendsNotices()} is false, naming the setting (never a value). */
    default String whyNoNotices() {
        return null;
    }

    /** True for a transport that must never face the internet (the inbox shows every live link). */
    default boolean developmentOnly() {
        return false;
    }
}
