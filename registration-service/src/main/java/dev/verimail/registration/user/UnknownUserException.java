package dev.verimail.registration.user;

public class UnknownUserException extends RuntimeException {

    UnknownUserException(long id) {
        super("No registration with id " + id);
    }
}
