package dev.verimail.verification.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Turns every error of the JSON API into RFC 9457 problem details with a stable {@code type} and {@code code}.
 * Unexpected errors are logged with their stack trace here and never shown to the client.
 */
@RestControllerAdvice
class ApiProblemHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiProblemHandler.class);

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
        if (e.isExpired()) {
            return ResponseEntity.status(HttpStatus.GONE).body(Problems.of(HttpStatus.GONE, "link-expired",
                    "Link expired", "This verification link has expired. Ask for a new one."));
        }
        return ResponseEntity.status(HttpStatus.NOT_FOUND).body(Problems.of(HttpStatus.NOT_FOUND, "link-not-valid",
                "Link not valid", "This verification link is not valid."));
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> tooLarge(RequestBodyLimitFilter.PayloadTooLargeException e) {
        return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE).body(RequestBodyLimitFilter.problem(e.limit()));
    }

    /**
     * A request Tomcat or Spring cannot decode: a parameter with a broken {@code %} escape or invalid UTF-8
     * ({@code ?token=%zz}), or a multipart body this service never asked for, without a boundary or cut short. The
     * client's mistake (400), not ours. Pages get the error page, the API a problem.
     */
    @ExceptionHandler({ InvalidParameterException.class, MultipartException.class })
    ResponseEntity<ProblemDetail> undecodableRequest(Exception e, HttpServletRequest request,
            HttpServletResponse response) throws IOException {
        if (!request.getRequestURI().startsWith("/api/")) {
            response.sendError(HttpStatus.BAD_REQUEST.value());
            return null;
        }
        return ResponseEntity.badRequest().body(Problems.of(HttpStatus.BAD_REQUEST, "bad-request", "Bad request",
                "The request body could not be read."));
    }

    @ExceptionHandler({ CannotCreateTransactionException.class, DataAccessResourceFailureException.class })
    ResponseEntity<ProblemDetail> databaseDown(RuntimeException e, HttpServletRequest request) {
        htmlPagesShowTheErrorPage(e, request);
        log.error("Database unavailable: {}", e.getMessage());
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "5")
                .body(Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "service-unavailable", "Service unavailable",
                        "We cannot check links right now. Please try again in a few seconds."));
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> unexpected(Exception e, HttpServletRequest request) throws Exception {
        htmlPagesShowTheErrorPage(e, request);
        log.error("Unexpected error in the verification API", e);
        return ResponseEntity.internalServerError().body(Problems.of(HttpStatus.INTERNAL_SERVER_ERROR,
                "internal-error", "Internal error", "Something went wrong on our side. Nothing was changed."));
    }

    /** Errors outside the JSON API go on to Boot's error page (templates/error.html), which never shows a trace. */
    private static <E extends Exception> void htmlPagesShowTheErrorPage(E e, HttpServletRequest request) throws E {
        if (!request.getRequestURI().startsWith("/api/")) {
            throw e;
        }
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof RequestBodyLimitFilter.PayloadTooLargeException tooLarge) {
                return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE).body(RequestBodyLimitFilter.problem(tooLarge.limit()));
            }
        }
        ProblemDetail problem = Problems.of(HttpStatus.BAD_REQUEST, "malformed-json", "Malformed JSON",
                "The request body is not a JSON object with the fields token and authcode.");
        return ResponseEntity.badRequest().body(problem);
    }

    /**
     * Framework errors (unknown path, wrong method) of the HTML pages go to the error page like any other error;
     * only the API answers with problem details.
     */
    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers,
            HttpStatusCode statusCode, WebRequest request) {
        if (request instanceof ServletWebRequest servlet && servlet.getResponse() != null
                && !servlet.getRequest().getRequestURI().startsWith("/api/")) {
            try {
                servlet.getResponse().sendError(statusCode.value());
                return null;
            }
            catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return super.handleExceptionInternal(ex, body, headers, statusCode, request);
    }

    @Override
    protected ResponseEntity<Object> createResponseEntity(Object body, HttpHeaders headers, HttpStatusCode status,
            WebRequest request) {
        if (body instanceof ProblemDetail problem && problem.getProperties() == null) {
            Problems.withCode(problem, Problems.codeFor(status.value()));
        }
        return super.createResponseEntity(body, headers, status, request);
    }
}
