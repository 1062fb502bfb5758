package dev.verimail.verification.messaging;

/**
 * A record whose value is not an event we can use: retrying cannot help, it goes to the dead-letter topic. The
 * message names what is wrong but never quotes the record, which may hold an authcode.
 */
class UnreadableEventException extends RuntimeException {

    UnreadableEventException(String message) {
        super(message, null, false, false);
    }
}
