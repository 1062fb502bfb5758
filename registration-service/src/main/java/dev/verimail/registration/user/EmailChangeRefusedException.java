package dev.verimail.registration.user;

/**
 * An address change that cannot start: {@link Reason#SAME_EMAIL} the address already is the user's (in any letter
 * case), {@link Reason#NOT_VERIFIED} the user has not verified their address yet (a pending sign-up with a wrong
 * address signs up again instead).
 */
public class EmailChangeRefusedException extends RuntimeException {

    public enum Reason {
        SAME_EMAIL, NOT_VERIFIED
    }

    private final Reason reason;

    EmailChangeRefusedException(Reason reason) {
        super(reason == Reason.SAME_EMAIL ? "This already is the registration's address."
                : "Only a verified registration's address can be changed; this one is not verified yet.");
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
