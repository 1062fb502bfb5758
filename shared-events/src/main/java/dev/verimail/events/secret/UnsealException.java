package dev.verimail.events.secret;

/** A sealed secret that does not open; the message says why, never what the text was. */
public class UnsealException extends RuntimeException {

    public UnsealException(String message) {
        super(message);
    }
}
