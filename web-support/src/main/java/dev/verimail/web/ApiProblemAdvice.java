package dev.verimail.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.apache.tomcat.util.http.InvalidParameterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * What every JSON API of verimail answers for errors that are not its own: RFC 9457 problem details with a stable
 * {@code type} and {@code code} for framework errors, unreadable or oversized bodies, an unreachable database (503
 * with {@code Retry-After}) and anything unexpected (500, logged here with its stack trace, never shown). A service
 * extends it with a {@code @RestControllerAdvice} that adds the handlers of its own exceptions. Errors of HTML pages
 * go on to Boot's error page instead.
 */
public abstract class ApiProblemAdvice extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiProblemAdvice.class);

    private final String service;
    private final String unavailableDetail;
    private final String unexpectedDetail;
    private final String malformedDetail;

    /**
     * @param service           for the log line of unexpected errors, e.g. {@code registration}
     * @param unavailableDetail the {@code detail} of the 503 when the database is unreachable
     * @param unexpectedDetail  the {@code detail} of a 500
     * @param malformedDetail   the {@code detail} of a 400 for a body that is not the expected JSON
     */
    protected ApiProblemAdvice(String service, String unavailableDetail, String unexpectedDetail, String malformedDetail) {
        this.service = service;
        this.unavailableDetail = unavailableDetail;
        this.unexpectedDetail = unexpectedDetail;
        this.malformedDetail = malformedDetail;
    }

    @ExceptionHandler
    protected ResponseEntity<ProblemDetail> tooLarge(RequestBodyLimitFilter.PayloadTooLargeException e) {
        return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE).body(RequestBodyLimitFilter.problem(e.limit()));
    }

    /**
     * A request Tomcat or Spring cannot decode: a parameter with a broken {@code %} escape or invalid UTF-8
     * ({@code ?token=%zz}), or a multipart body this service never asked for, without a boundary or cut short. The
     * client's mistake (400), not ours. Pages get the error page, the API a problem.
     */
    @ExceptionHandler({ InvalidParameterException.class, MultipartException.class })
    protected ResponseEntity<ProblemDetail> undecodableRequest(Exception e, HttpServletRequest request,
            HttpServletResponse response) throws IOException {
        if (!request.getRequestURI().startsWith("/api/")) {
            response.sendError(HttpStatus.BAD_REQUEST.value());
            return null;
        }
        return ResponseEntity.badRequest().body(Problems.of(HttpStatus.BAD_REQUEST, "bad-request", "Bad request",
                "The request body could not be read."));
    }

    @ExceptionHandler({ CannotCreateTransactionException.class, DataAccessResourceFailureException.class })
    protected ResponseEntity<ProblemDetail> databaseDown(Exception e, HttpServletRequest request) throws Exception {
        htmlPagesShowTheErrorPage(e, request);
        log.error("Database unavailable: {}", e.getMessage());
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "5")
                .body(Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "service-unavailable", "Service unavailable",
                        unavailableDetail));
    }

    /**
     * A transaction that could not be rolled back or committed. When the database went away mid-transaction, the
     * statement fails and then so does the rollback on the same dead connection: that is the database being down
     * (503, try again), not a bug. Anything else stays a 500.
     */
    @ExceptionHandler
    protected ResponseEntity<ProblemDetail> transactionFailed(TransactionSystemException e, HttpServletRequest request)
            throws Exception {
        if (e.getOriginalException() instanceof DataAccessResourceFailureException || lostConnection(e)) {
            return databaseDown(e, request);
        }
        return unexpected(e, request);
    }

    private static boolean lostConnection(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLNonTransientConnectionException || t instanceof SQLTransientConnectionException) {
                return true;
            }
            // SQLState class 08 is "connection exception" (e.g. Hikari's "Connection is closed", 08003, when a
            // rollback runs on a connection the dead server took away)
            if (t instanceof java.sql.SQLException sql && ((sql.getSQLState() != null && sql.getSQLState().startsWith("08"))
                    || "Connection is closed".equals(sql.getMessage()))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Anything else is a 500, unless a lost or unobtainable connection is its cause: JPA code paths surface the
     * database being down as Hibernate's {@code JDBCConnectionException} or a {@code JpaSystemException} of a failed
     * rollback, not always as Spring's {@code DataAccessResourceFailureException}. That is an outage: 503.
     */
    @ExceptionHandler
    protected ResponseEntity<ProblemDetail> unexpected(Exception e, HttpServletRequest request) throws Exception {
        if (lostConnection(e)) {
            return databaseDown(e, request);
        }
        htmlPagesShowTheErrorPage(e, request);
        log.error("Unexpected error in the {} API", service, e);
        return ResponseEntity.internalServerError().body(Problems.of(HttpStatus.INTERNAL_SERVER_ERROR,
                "internal-error", "Internal error", unexpectedDetail));
    }

    /** Errors outside the JSON API go on to Boot's error page (templates/error.html), which never shows a trace. */
    protected static <E extends Exception> void htmlPagesShowTheErrorPage(E e, HttpServletRequest request) throws E {
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
                malformedDetail);
        return ResponseEntity.badRequest().body(problem);
    }

    /**
     * Framework errors (unknown path, wrong method, unreadable request) of the HTML pages go to the error page like
     * any other error; only the API answers with problem details.
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
