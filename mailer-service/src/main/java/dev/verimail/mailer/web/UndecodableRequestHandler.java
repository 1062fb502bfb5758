package dev.verimail.mailer.web;

import java.io.IOException;
import java.net.URI;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.apache.tomcat.util.http.InvalidParameterException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.multipart.MultipartException;

/**
 * A request that cannot be decoded, for every path (also before a handler is chosen, where
 * {@link ApiProblemHandler} does not apply): a query parameter with a broken {@code %} escape or invalid UTF-8
 * ({@code ?email=%zz}), or an unreadable multipart body. The client's mistake: 400, never 500. Pages get the error
 * page, the API a problem.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class UndecodableRequestHandler {

    @ExceptionHandler({ InvalidParameterException.class, MultipartException.class })
    ResponseEntity<ProblemDetail> undecodable(Exception e, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        if (!request.getRequestURI().startsWith("/api/")) {
            response.sendError(HttpStatus.BAD_REQUEST.value());
            return null;
        }
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                "The request could not be decoded.");
        problem.setTitle("Bad request");
        problem.setType(URI.create("https://verimail.dev/problems/bad-request"));
        problem.setProperty("code", "bad-request");
        return ResponseEntity.badRequest().body(problem);
    }
}
