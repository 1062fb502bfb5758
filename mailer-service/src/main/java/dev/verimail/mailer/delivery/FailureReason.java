package dev.verimail.mailer.delivery;

/** Why a delivery is FAILED. */
public enum FailureReason {
    /** SendCloud refused it for good (bad credentials, recipient, template...): the code says which. */
    PERMANENT,
    /** The link expired before the email could be sent. */
    EXPIRED,
    /** A newer link was issued for the user before this one was sent: sending it would mail a dead link. */
    SUPERSEDED
}
