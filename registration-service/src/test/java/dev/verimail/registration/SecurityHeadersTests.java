package dev.verimail.registration;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.verimail.testbed.ServiceTest;
import dev.verimail.testbed.TestHttp;

/** Every page, error page and API answer carries the security headers; only the stylesheet may be cached. */
@ServiceTest
class SecurityHeadersTests {

    static final String CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
            + "frame-ancestors 'none'; base-uri 'none'";

    @LocalServerPort
    int port;

    TestHttp http;

    @BeforeEach
    void setUp() {
        http = TestHttp.localhost(port);
    }

    @Test
    void everyPageCarriesTheSecurityHeaders() {
        assertThat(http.postForm("/register", Map.of("name", "Header Test", "email", "headers@example.com")).statusCode())
                .isEqualTo(302);
        List<HttpResponse<String>> pages = List.of(
                http.get("/register"),
                http.postForm("/register", Map.of("name", "", "email", "bad")),
                http.get("/register/resend?email=headers@example.com"),
                http.postForm("/register/resend", Map.of("email", "nobody@example.com")),
                http.get("/register/check-email"),
                http.send(HttpRequest.newBuilder(http.uri("/no-such-page")).header("Accept", "text/html")));

        for (HttpResponse<String> page : pages) {
            assertThat(page.headers().firstValue("Content-Type").orElseThrow()).as(page.uri().toString()).startsWith("text/html");
            assertSecurityHeaders(page.uri().toString(), page.headers());
            assertThat(page.headers().firstValue("Cache-Control")).as(page.uri().toString()).hasValue("no-store");
        }
        assertThat(pages.get(5).statusCode()).isEqualTo(404);
    }

    @Test
    void apiAnswersCarryThemToo() {
        List<HttpResponse<String>> answers = List.of(
                http.postJson("/api/registrations", "{\"name\":\"Api Header\",\"email\":\"api-headers@example.com\"}"),
                http.postJson("/api/registrations", "{\"name\":1}"),
                http.get("/api/registrations/987654"),
                http.post("/api/registrations", "text/plain", "x"));

        for (HttpResponse<String> answer : answers) {
            assertSecurityHeaders(answer.uri() + " " + answer.statusCode(), answer.headers());
            assertThat(answer.headers().firstValue("Cache-Control")).hasValue("no-store");
        }
    }

    @Test
    void theStylesheetIsCacheableButNotSniffed() {
        HttpResponse<String> css = http.get("/css/verimail.css");

        assertThat(css.statusCode()).isEqualTo(200);
        assertThat(css.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/css");
        assertThat(css.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(css.headers().firstValue("Cache-Control").orElse("")).doesNotContain("no-store");
    }

    /** The policy allows no inline style or script: the templates must not have any, or the pages would break. */
    @Test
    void templatesHaveNoInlineStyleOrScript() throws IOException {
        try (Stream<Path> files = Files.walk(Path.of("src/main/resources/templates"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".html")).toList()) {
                String html = Files.readString(file);
                assertThat(html).as(file.toString()).doesNotContain("<style").doesNotContain("style=")
                        .doesNotContain("<script").doesNotContainPattern("\\son[a-z]+=").doesNotContain("javascript:");
            }
        }
    }

    static void assertSecurityHeaders(String what, HttpHeaders headers) {
        assertThat(headers.firstValue("Content-Security-Policy")).as(what).hasValue(CSP);
        assertThat(headers.firstValue("X-Content-Type-Options")).as(what).hasValue("nosniff");
        assertThat(headers.firstValue("Referrer-Policy")).as(what).hasValue("no-referrer");
        assertThat(headers.firstValue("X-Frame-Options")).as(what).hasValue("DENY");
    }
}
