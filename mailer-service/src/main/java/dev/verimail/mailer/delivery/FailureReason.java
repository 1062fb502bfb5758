package dev.verimail.mailer.delivery;

/** Why a delivery is FAILED. */
public enum FailureReason {
    /** SendCloud refused it for good (bad credentials, recipient, template...): the code says which. */
    PERMANENT,
    /** The link expired before the email could be sent. */
    EXPIRED,
    /** A newer link was issued for the user before this one was sent: sending it would mail a dead link. */
    SUPERSEDED,
    /**
     * Not sent on purpose: the transport is not set up for this kind of email (a sign-up-attempt notice without
     * {@code SENDCLOUD_NOTICE_TEMPLATE}). Final; the error says which setting is missing.
     */
    SKIPPED
}
