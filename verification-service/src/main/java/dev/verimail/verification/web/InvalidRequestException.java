package dev.verimail.verification.web;

import java.util.Map;

/** Required fields are missing: 400 with one message per field. */
class InvalidRequestException extends RuntimeException {

    private final Map<String, String> fieldErrors;

    InvalidRequestException(Map<String, String> fieldErrors) {
        super("Invalid request: " + fieldErrors.keySet(), null, false, false);
        this.fieldErrors = Map.copyOf(fieldErrors);
    }

    Map<String, String> fieldErrors() {
        return fieldErrors;
    }
}
