package dev.verimail.registration.user;

/** The user has no pending address change (none was started, or it was confirmed, cancelled or expired). */
public class NoPendingChangeException extends RuntimeException {

    NoPendingChangeException(long id) {
        super("Registration " + id + " has no pending address change.");
    }
}
