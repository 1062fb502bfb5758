package dev.verimail.registration.user;

/** Another user already has this address (in any letter case). */
public class EmailTakenException extends RuntimeException {

    EmailTakenException() {
        super("Email address already registered");
    }
}
