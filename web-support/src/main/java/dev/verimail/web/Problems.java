package dev.verimail.web;

import java.net.URI;

import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;

/**
 * Problem types of this service. {@code type} is a stable URI and {@code code} its short form; clients branch on
 * either, never on {@code title} or {@code detail}.
 */
public final class Problems {

    private static final String BASE = "https://verimail.dev/problems/";

    private Problems() {
    }

    public static ProblemDetail of(HttpStatusCode status, String code, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        return withCode(problem, code);
    }

    public static ProblemDetail withCode(ProblemDetail problem, String code) {
        problem.setType(URI.create(BASE + code));
        problem.setProperty("code", code);
        return problem;
    }

    /** A code for problems raised by the framework, which only know their status. */
    public static String codeFor(int status) {
        return switch (status) {
            case 400 -> "bad-request";
            case 404 -> "not-found";
            case 405 -> "method-not-allowed";
            case 406 -> "not-acceptable";
            case 410 -> "gone";
            case 413 -> "payload-too-large";
            case 415 -> "unsupported-media-type";
            case 503 -> "service-unavailable";
            default -> status >= 500 ? "internal-error" : "client-error";
        };
    }
}
