package dev.verimail.registration.user;

import java.util.Map;

/** What a person typed does not pass the sign-up rules; one message per field, in form order. */
public class InvalidSignupException extends RuntimeException {

    private final Map<String, String> fieldErrors;

    InvalidSignupException(Map<String, String> fieldErrors) {
        super("Invalid sign-up: " + fieldErrors.keySet());
        this.fieldErrors = Map.copyOf(fieldErrors);
    }

    public Map<String, String> fieldErrors() {
        return fieldErrors;
    }
}
