package dev.verimail.web.security;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

import dev.verimail.web.Problems;
import dev.verimail.web.RequestBodyLimitFilter;

/** 401 and 403 of the security chain as problem details (RFC 9457), never a login page or a redirect. */
final class ProblemAnswers implements AuthenticationEntryPoint, AccessDeniedHandler {

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
            throws IOException {
        boolean presented = OperatorTokenFilter.presentedToken(request) != null;
        response.setHeader("WWW-Authenticate", presented ? "Bearer error=\"invalid_token\"" : "Bearer");
        RequestBodyLimitFilter.write(response, Problems.of(HttpStatus.UNAUTHORIZED, "unauthorized",
                "Operator token required", presented
                        ? "The bearer token is not an operator token."
                        : "This endpoint is for operators: send Authorization: Bearer <operator token>."));
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response,
            org.springframework.security.access.AccessDeniedException e) throws IOException {
        RequestBodyLimitFilter.write(response, Problems.of(HttpStatus.FORBIDDEN, "forbidden", "Forbidden",
                "This endpoint is not open to this caller."));
    }
}
