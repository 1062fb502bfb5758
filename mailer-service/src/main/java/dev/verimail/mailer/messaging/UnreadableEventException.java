package dev.verimail.mailer.messaging;

/** A record whose value is not an event we can read: retrying cannot help, it goes to the dead-letter topic. */
class UnreadableEventException extends RuntimeException {

    UnreadableEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
