package dev.verimail.registration.web;

import java.util.Map;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import dev.verimail.web.ApiProblemAdvice;
import dev.verimail.web.Problems;

import dev.verimail.registration.limit.RateLimitedException;
import dev.verimail.registration.user.EmailChangeRefusedException;
import dev.verimail.registration.user.EmailTakenException;
import dev.verimail.registration.user.NoPendingChangeException;
import dev.verimail.registration.user.InvalidSignupException;
import dev.verimail.registration.user.ResendThrottledException;
import dev.verimail.registration.user.UnknownUserException;

/**
 * Turns every error of the JSON API into RFC 9457 problem details with a stable {@code type} and {@code code}.
 * Unexpected errors are logged with their stack trace here and never shown to the client.
 */
@RestControllerAdvice
class ApiProblemHandler extends ApiProblemAdvice {

    ApiProblemHandler() {
        super("registration", "We cannot take sign-ups right now. Please try again in a few seconds.",
                "Something went wrong on our side. Nothing was stored.",
                "The request body is not a JSON object with the expected fields.");
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> invalid(InvalidSignupException e) {
        ProblemDetail problem = Problems.of(HttpStatus.BAD_REQUEST, "invalid-input", "Invalid input",
                "Some fields are not valid.");
        problem.setProperty("errors", e.fieldErrors().entrySet().stream()
                .map(f -> Map.of("field", f.getKey(), "message", f.getValue())).toList());
        return ResponseEntity.badRequest().body(problem);
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> taken(EmailTakenException e) {
        return ResponseEntity.status(HttpStatus.CONFLICT).body(Problems.of(HttpStatus.CONFLICT, "email-taken",
                "Email already registered", "This email address is already registered."));
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> throttled(ResendThrottledException e) {
        long seconds = Math.max(1, (e.retryAfter().toMillis() + 999) / 1000);
        return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS).header(HttpHeaders.RETRY_AFTER, Long.toString(seconds))
                .body(Problems.of(HttpStatus.TOO_MANY_REQUESTS, "too-many-requests", "Too many requests",
                        "A new link was requested for this address moments ago. Try again in " + seconds + " seconds."));
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> limited(RateLimitedException e) {
        long seconds = e.retryAfterSeconds();
        return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS).header(HttpHeaders.RETRY_AFTER, Long.toString(seconds))
                .body(Problems.of(HttpStatus.TOO_MANY_REQUESTS, "rate-limited", "Rate limited",
                        "Too many sign-ups or links from this client or for this address. Try again in " + seconds
                                + " seconds."));
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> changeRefused(EmailChangeRefusedException e) {
        ProblemDetail problem = e.reason() == EmailChangeRefusedException.Reason.SAME_EMAIL
                ? Problems.of(HttpStatus.CONFLICT, "email-unchanged", "Same address",
                        "This already is the registration's address; nothing to change.")
                : Problems.of(HttpStatus.CONFLICT, "not-verified", "Not verified",
                        "Only a verified registration's address can be changed. A pending one can sign up again "
                                + "with the right address.");
        return ResponseEntity.status(HttpStatus.CONFLICT).body(problem);
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> noPendingChange(NoPendingChangeException e) {
        return ResponseEntity.status(HttpStatus.NOT_FOUND).body(Problems.of(HttpStatus.NOT_FOUND,
                "no-pending-change", "No pending change", e.getMessage()));
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> unknown(UnknownUserException e) {
        return ResponseEntity.status(HttpStatus.NOT_FOUND).body(Problems.of(HttpStatus.NOT_FOUND, "not-found",
                "Not found", e.getMessage()));
    }
}
