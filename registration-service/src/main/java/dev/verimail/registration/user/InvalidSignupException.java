package dev.verimail.registration.user;

import java.util.LinkedHashMap;
import java.util.Map;

/** What a person typed does not pass the sign-up rules; one message per field, in form order. */
public class InvalidSignupException extends RuntimeException {

    private final Map<String, Signup.Problem> problems;

    InvalidSignupException(Map<String, Signup.Problem> problems) {
        super("Invalid sign-up: " + problems.keySet());
        this.problems = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(problems));
    }

    /** The English message per field (the API's problem details). */
    public Map<String, String> fieldErrors() {
        Map<String, String> errors = new LinkedHashMap<>();
        problems.forEach((field, problem) -> errors.put(field, problem.text()));
        return errors;
    }

    /** The key of each field's message in {@code messages*.properties} (the pages). */
    public Map<String, String> fieldMessageKeys() {
        Map<String, String> keys = new LinkedHashMap<>();
        problems.forEach((field, problem) -> keys.put(field, problem.key()));
        return keys;
    }
}
