package dev.verimail.mailer.webhook;

import java.util.Locale;

import dev.verimail.mailer.delivery.DeliveryStatus;

/**
 * SendCloud's webhook events (SendCloud, "Learn about WebHook": request, deliver, open, click, unsubscribe,
 * report_spam, invalid, soft_bounce, route; "Webhook Event Description" for the fields of each) and what each does to
 * a delivery SendCloud has accepted. The rules only move forward: once INVALID or SPAM, a late {@code deliver} or
 * {@code open} changes nothing; a {@code deliver} after a soft bounce is a delivery after all.
 */
enum ProviderEvent {

    /** SendCloud took the request: the delivery is SENT already. */
    REQUEST("request"),
    DELIVER("deliver"),
    OPEN("open"),
    CLICK("click"),
    UNSUBSCRIBE("unsubscribe"),
    REPORT_SPAM("report_spam"),
    INVALID("invalid"),
    SOFT_BOUNCE("soft_bounce");

    private final String wire;

    ProviderEvent(String wire) {
        this.wire = wire;
    }

    /** SendCloud's name of the event. */
    String wire() {
        return wire;
    }

    /** The event SendCloud names {@code name}; null for one this version does not know (accepted and ignored). */
    static ProviderEvent of(String name) {
        if (name == null) {
            return null;
        }
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (ProviderEvent e : values()) {
            if (e.wire.equals(n)) {
                return e;
            }
        }
        return null;
    }

    /**
     * The status a delivery in {@code current} takes on this event; {@code current} itself when the event is
     * recorded without a change of status ({@code unsubscribe}, a repeated {@code soft_bounce}); null when it changes
     * nothing at all.
     */
    DeliveryStatus next(DeliveryStatus current) {
        if (current == null || !current.sent()) {
            return null;
        }
        boolean open = current == DeliveryStatus.SENT || current == DeliveryStatus.BOUNCED;
        return switch (this) {
            case REQUEST -> null;
            case DELIVER, OPEN, CLICK -> open ? DeliveryStatus.DELIVERED : null;
            case SOFT_BOUNCE -> open ? DeliveryStatus.BOUNCED : null;
            case INVALID -> current == DeliveryStatus.INVALID ? null : DeliveryStatus.INVALID;
            case REPORT_SPAM -> current == DeliveryStatus.INVALID || current == DeliveryStatus.SPAM ? null
                    : DeliveryStatus.SPAM;
            case UNSUBSCRIBE -> current;
        };
    }
}
