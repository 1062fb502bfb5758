package dev.verimail.mailer.delivery;

import java.time.Instant;

/**
 * How a notice (no link: "someone tried to sign up with your address", "your address is being changed") starts its
 * delivery: PENDING, or FAILED at once when it is already past its expiry ({@code EXPIRED}) or the transport cannot
 * send that kind ({@code SKIPPED}, with the transport's reason). Plain rules, shared by every notice kind.
 */
record NoticeStart(DeliveryStatus status, FailureReason reason, String error) {

    /**
     * @param skipReason why the transport does not send this kind, or null when it does
     * @param expiry     what {@code expiresAt} came from, for the error text
     */
    static NoticeStart of(Instant now, Instant expiresAt, String skipReason, String expiry) {
        if (!now.isBefore(expiresAt)) {
            return new NoticeStart(DeliveryStatus.FAILED, FailureReason.EXPIRED,
                    "The notice was older than " + expiry + " when the event arrived");
        }
        if (skipReason != null) {
            return new NoticeStart(DeliveryStatus.FAILED, FailureReason.SKIPPED, "Not sent: " + skipReason);
        }
        return new NoticeStart(DeliveryStatus.PENDING, null, null);
    }
}
