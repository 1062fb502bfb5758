package dev.verimail.verification;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.verimail.events.registration.UserRegistered;
import dev.verimail.testbed.ServiceTest;
import dev.verimail.testbed.TestHttp;

/**
 * Every verify page (confirm, confirmed, already verified, expired, not valid, incomplete), the error page and the
 * API carry the security headers and are never cached; the expired page's resend form may post to registration.
 */
@ServiceTest(properties = "verification.registration-base-url=https://signup.verimail.example/")
class SecurityHeadersTests {

    static final String CSP = "default-src 'none'; style-src 'self'; img-src 'self'; "
            + "form-action 'self' https://signup.verimail.example; frame-ancestors 'none'; base-uri 'none'";

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Value("${spring.kafka.bootstrap-servers}")
    String bootstrapServers;

    @Test
    void everyVerifyPageCarriesTheSecurityHeadersAndIsNotCacheable() {
        Instant now = TestEvents.now();
        UserRegistered valid = TestEvents.registered("headers@example.com");
        UserRegistered expired = TestEvents.registered(TestEvents.newUserId(), "Late", "late@example.com",
                now.minus(2, ChronoUnit.HOURS), now.minus(1, ChronoUnit.HOURS));
        try (TestEvents events = new TestEvents(bootstrapServers)) {
            events.publish(valid);
            events.publish(expired);
        }
        new TestDb(jdbc).awaitChallenge(valid.token());
        new TestDb(jdbc).awaitChallenge(expired.token());
        TestHttp http = TestHttp.localhost(port);

        HttpResponse<String> confirm = http.get(link(valid));
        HttpResponse<String> verified = http.postForm("/verify", Map.of("token", valid.token(), "authcode", valid.authcode()));
        HttpResponse<String> already = http.get(link(valid));
        HttpResponse<String> expiredPage = http.get(link(expired));
        HttpResponse<String> invalid = http.get("/verify?token=nope&authcode=nope");
        HttpResponse<String> incomplete = http.get("/verify");
        HttpResponse<String> notFound = http.send(HttpRequest.newBuilder(http.uri("/no-such-page")).header("Accept", "text/html"));

        assertThat(List.of(confirm, verified, already, expiredPage, invalid, incomplete, notFound))
                .extracting(HttpResponse::statusCode).containsExactly(200, 200, 200, 410, 404, 400, 404);
        assertThat(expiredPage.body()).contains("action=\"https://signup.verimail.example/register/resend\"");
        for (HttpResponse<String> page : List.of(confirm, verified, already, expiredPage, invalid, incomplete, notFound)) {
            String what = page.statusCode() + " " + page.uri().getPath();
            assertThat(page.headers().firstValue("Content-Type").orElseThrow()).as(what).startsWith("text/html");
            assertSecurityHeaders(what, page.headers());
            assertThat(page.headers().firstValue("Cache-Control")).as(what).hasValue("no-store");
        }
    }

    @Test
    void apiAnswersCarryThemToo() {
        TestHttp http = TestHttp.localhost(port);
        for (HttpResponse<String> answer : List.of(http.postJson("/api/verifications", "{\"token\":\"a\",\"authcode\":\"b\"}"),
                http.postJson("/api/verifications", "{\"token\":1}"), http.post("/api/verifications", "text/plain", "x"))) {
            assertSecurityHeaders(answer.statusCode() + " API", answer.headers());
            assertThat(answer.headers().firstValue("Cache-Control")).hasValue("no-store");
        }
    }

    @Test
    void theStylesheetIsCacheableButNotSniffed() {
        HttpResponse<String> css = TestHttp.localhost(port).get("/css/verimail.css");

        assertThat(css.statusCode()).isEqualTo(200);
        assertThat(css.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(css.headers().firstValue("Cache-Control").orElse("")).doesNotContain("no-store");
    }

    /** The policy allows no inline style or script: the templates must not have any, or the pages would break. */
    @Test
    void templatesHaveNoInlineStyleOrScript() throws IOException {
        try (Stream<Path> files = Files.walk(Path.of("src/main/resources/templates"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".html")).toList()) {
                assertThat(Files.readString(file)).as(file.toString()).doesNotContain("<style").doesNotContain("style=")
                        .doesNotContain("<script").doesNotContainPattern("\\son[a-z]+=").doesNotContain("javascript:");
            }
        }
    }

    private static String link(UserRegistered event) {
        return "/verify?token=" + TestHttp.enc(event.token()) + "&authcode=" + TestHttp.enc(event.authcode());
    }

    static void assertSecurityHeaders(String what, HttpHeaders headers) {
        assertThat(headers.firstValue("Content-Security-Policy")).as(what).hasValue(CSP);
        assertThat(headers.firstValue("X-Content-Type-Options")).as(what).hasValue("nosniff");
        assertThat(headers.firstValue("Referrer-Policy")).as(what).hasValue("no-referrer");
        assertThat(headers.firstValue("X-Frame-Options")).as(what).hasValue("DENY");
    }
}
