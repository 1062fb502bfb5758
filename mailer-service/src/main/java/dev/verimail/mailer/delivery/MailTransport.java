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

    /**
     * Whether it can send emails of {@code kind} now; when not, they are recorded as skipped ({@link #whyNot} says
     * why). Verification emails always; the two notices as {@link #sendsNotices()} by default.
     */
    default boolean sends(Mail.Kind kind) {
        return kind == Mail.Kind.VERIFICATION || sendsNotices();
    }

    /** Why {@link #sends} is false for {@code kind}, naming the setting (never a value). */
    default String whyNot(Mail.Kind kind) {
        return sends(kind) ? null : whyNoNotices();
    }

    /** True for a transport that must never face the internet (the inbox shows every live link). */
    default boolean developmentOnly() {
        return false;
    }
}
