package dev.verimail.verification.web;

import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import dev.verimail.verification.config.VerificationProperties;
import dev.verimail.web.ApiProblemAdvice;
import dev.verimail.web.Problems;

/**
 * Turns every error of the JSON API into RFC 9457 problem details with a stable {@code type} and {@code code}.
 * Unexpected errors are logged with their stack trace here and never shown to the client.
 */
@RestControllerAdvice
class ApiProblemHandler extends ApiProblemAdvice {

    private final VerificationProperties properties;

    ApiProblemHandler(VerificationProperties properties) {
        super("verification", "We cannot check links right now. Please try again in a few seconds.",
                "Something went wrong on our side. Nothing was changed.",
                "The request body is not a JSON object with the fields token and authcode (or, for a code, email and code).");
        this.properties = properties;
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> invalid(InvalidRequestException e) {
        ProblemDetail problem = Problems.of(HttpStatus.BAD_REQUEST, "invalid-input", "Invalid input",
                "Some fields are missing.");
        problem.setProperty("errors", e.fieldErrors().entrySet().stream()
                .map(f -> Map.of("field", f.getKey(), "message", f.getValue())).toList());
        return ResponseEntity.badRequest().body(problem);
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> link(LinkProblem e) {
        return switch (e.kind()) {
            case EXPIRED -> ResponseEntity.status(HttpStatus.GONE).body(Problems.of(HttpStatus.GONE, "link-expired",
                    "Link expired", "This verification link has expired. Ask for a new one."));
            case NOT_READY -> ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                    .header("Retry-After", Long.toString(Math.max(1, properties.notReadyRetryAfter().toSeconds())))
                    .body(Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "link-not-ready", "Link not ready yet",
                            "This link is genuine but we are still setting it up. Try again in a few seconds."));
            case NOT_VALID -> ResponseEntity.status(HttpStatus.NOT_FOUND).body(Problems.of(HttpStatus.NOT_FOUND,
                    "link-not-valid", "Link not valid", "This verification link is not valid."));
        };
    }
}
