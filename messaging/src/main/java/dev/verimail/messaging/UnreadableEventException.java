package dev.verimail.messaging;

/**
 * A record that is not an event this service can use: retrying cannot help, so it goes to the dead-letter topic at
 * once. The message names what is wrong (a field, an exception class) and never quotes the record, whose value may
 * hold a one-time secret; there is no cause, because a parser's message may quote its input.
 */
public class UnreadableEventException extends RuntimeException {

    public UnreadableEventException(String reason) {
        super(reason, null, false, false);
    }
}
