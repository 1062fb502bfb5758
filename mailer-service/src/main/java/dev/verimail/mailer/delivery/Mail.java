package dev.verimail.mailer.delivery;

import java.util.UUID;

/**
 * One email: a verification email with its link, or a notice ("someone tried to sign up with your address") that
 * has none. {@code link} holds the authcode: it is never logged, and {@link #toString()} leaves it out.
 */
public record Mail(UUID eventId, Kind kind, String to, String name, String link, String changedTo) {

    public enum Kind {
        /** {@code UserRegistered} or {@code VerificationReissued}: name and link. */
        VERIFICATION,
        /** {@code SignupAttempted}: the registered user's name, no link. */
        SIGNUP_ATTEMPTED,
        /** {@code EmailChangeRequested}, to the current address: name and the new address masked, no link. */
        EMAIL_CHANGE_NOTICE
    }

    public Mail {
        if ((kind == Kind.VERIFICATION) != (link != null)) {
            throw new IllegalArgumentException("a verification email has a link, a notice has none");
        }
        if ((kind == Kind.EMAIL_CHANGE_NOTICE) != (changedTo != null)) {
            throw new IllegalArgumentException("an address change notice names the new address, nothing else does");
        }
    }

    public static Mail verification(UUID eventId, String to, String name, String link) {
        return new Mail(eventId, Kind.VERIFICATION, to, name, link, null);
    }

    public static Mail signupAttempted(UUID eventId, String to, String name) {
        return new Mail(eventId, Kind.SIGNUP_ATTEMPTED, to, name, null, null);
    }

    /** To the current address: the address is being changed to {@code changedTo} (masked: n***@example.com). */
    public static Mail emailChangeNotice(UUID eventId, String to, String name, String changedTo) {
        return new Mail(eventId, Kind.EMAIL_CHANGE_NOTICE, to, name, null, changedTo);
    }

    /**
     * How a notice shows an address: the first character of the local part, three stars, the domain
     * ({@code n***@example.com}), so that a stranger who reads it learns little of the new address.
     */
    public static String masked(String email) {
        int at = email.lastIndexOf('@');
        if (at <= 0) {
            return "***";
        }
        return email.substring(0, email.offsetByCodePoints(0, 1)) + "***" + email.substring(at);
    }

    @Override
    public String toString() {
        return "Mail[eventId=" + eventId + ", kind=" + kind + ", to=" + to + "]";
    }
}
