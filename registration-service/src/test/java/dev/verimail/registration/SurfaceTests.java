package dev.verimail.registration;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.verimail.testbed.ServiceTest;
import dev.verimail.testbed.TestHttp;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Who may call what (DESIGN.md, "Surfaces and access"): every endpoint of the service called anonymously, with a
 * wrong token and with the operator's; the first two never see personal data. Cross-site form posts are refused;
 * same-site forms and JSON clients work.
 */
@ServiceTest
class SurfaceTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String WRONG = "Bearer " + "x".repeat(40);

    @LocalServerPort
    int port;

    @Autowired
    Environment environment;

    @Autowired
    JdbcTemplate db;

    private TestHttp anonymous() {
        return TestHttp.localhost(port);
    }

    private long signup(String email) {
        HttpResponse<String> response = anonymous().postJson("/api/registrations",
                "{\"name\":\"Grace Hopper\",\"email\":\"" + email + "\"}");
        assertThat(response.statusCode()).isEqualTo(202);
        return JSON.readTree(response.body()).get("id").asLong();
    }

    @Test
    void theRegistrationRecordIsFullOnlyForTheOperator() {
        long id = signup("surface@example.com");
        String path = "/api/registrations/" + id;

        for (TestHttp caller : List.of(anonymous(), anonymous().withAuthorization(WRONG),
                anonymous().withAuthorization("Basic b3BlcmF0b3I6b3BlcmF0b3I="),
                anonymous().withAuthorization("Bearer"), anonymous().withAuthorization("Bearer a.b.c"))) {
            HttpResponse<String> response = caller.get(path);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(response.body()).propertyNames()).containsExactlyInAnyOrder("id", "status");
            assertThat(response.body()).doesNotContain("surface@example.com", "Grace");
        }

        HttpResponse<String> operator = anonymous().asOperator().get(path);
        assertThat(operator.statusCode()).isEqualTo(200);
        JsonNode full = JSON.readTree(operator.body());
        assertThat(full.get("email").asString()).isEqualTo("surface@example.com");
        assertThat(full.get("name").asString()).isEqualTo("Grace Hopper");
        assertThat(full.get("status").asString()).isEqualTo("PENDING");
        assertThat(full.has("registeredAt")).isTrue();
        assertThat(full.has("verifiedAt")).isTrue();
    }

    @Test
    void theActuatorIsNotOnThePublicPortButOnTheManagementPort() {
        for (String path : List.of("/actuator", "/actuator/health", "/actuator/prometheus", "/actuator/env")) {
            for (TestHttp caller : List.of(anonymous(), anonymous().withAuthorization(WRONG), anonymous().asOperator())) {
                HttpResponse<String> response = caller.get(path);
                assertThat(response.statusCode()).as(path).isEqualTo(404);
                assertThat(response.body()).doesNotContain("outbox", "UP");
            }
        }
        assertThat(TestHttp.management(environment).get("/actuator/health/readiness").statusCode()).isEqualTo(200);
        assertThat(environment.getProperty("local.management.port", Integer.class)).isNotEqualTo(port);
    }

    @Test
    void operatorOnlyPathsAnswer401AsProblemDetailsWithoutAToken() {
        // no operator endpoint of this service other than the full record exists; a method the public surface does
        // not list on an existing path is closed, not open
        for (TestHttp caller : List.of(anonymous(), anonymous().withAuthorization(WRONG))) {
            HttpResponse<String> response = caller.send(HttpRequest.newBuilder(caller.uri("/api/registrations/1"))
                    .DELETE());
            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
            assertThat(JSON.readTree(response.body()).get("code").asString()).isEqualTo("unauthorized");
            assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow()).startsWith("Bearer");
            assertThat(response.body()).doesNotContain("x".repeat(40));
        }
        assertThat(anonymous().get("/no/such/endpoint").statusCode()).as("unknown paths are a plain 404").isEqualTo(404);
    }

    @Test
    void aFormPostFromAnotherSiteIsRefusedAndStoresNothing() {
        String form = TestHttp.form(Map.of("name", "Mallory", "email", "csrf@example.com"));
        List<HttpRequest.Builder> crossSite = List.of(
                formPost(form).header("Sec-Fetch-Site", "cross-site").header("Origin", "https://evil.example"),
                formPost(form).header("Origin", "https://evil.example"),
                formPost(form).header("Origin", "null"));
        for (HttpRequest.Builder request : crossSite) {
            HttpResponse<String> response = anonymous().send(request);
            assertThat(response.statusCode()).isEqualTo(403);
            assertThat(JSON.readTree(response.body()).get("code").asString()).isEqualTo("cross-site-request");
        }
        assertThat(anonymous().send(formPost(TestHttp.form(Map.of("email", "csrf@example.com")), "/register/resend")
                .header("Sec-Fetch-Site", "cross-site")).statusCode()).isEqualTo(403);
        assertThat(db.queryForObject("SELECT COUNT(*) FROM users WHERE email_key = 'csrf@example.com'", Integer.class)).isZero();

        // the service's own pages, a sibling port of the same site (the verification page's resend), a typed URL
        assertThat(anonymous().send(formPost(form).header("Sec-Fetch-Site", "same-origin")
                .header("Origin", "http://localhost:" + port)).statusCode()).isEqualTo(302);
        assertThat(anonymous().send(formPost(TestHttp.form(Map.of("email", "csrf@example.com")), "/register/resend")
                .header("Sec-Fetch-Site", "same-site").header("Origin", "http://localhost:1")).statusCode()).isEqualTo(200);
        // a JSON client, even one that sends an Origin (it needs a CORS pre-flight in a browser, which is never granted)
        assertThat(anonymous().send(HttpRequest.newBuilder(anonymous().uri("/api/registrations"))
                .header("Content-Type", "application/json").header("Origin", "https://app.example")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"J\",\"email\":\"json-origin@example.com\"}")))
                .statusCode()).isEqualTo(202);
    }

    @Test
    void aSignUpCreatesNoSession() {
        HttpResponse<String> api = anonymous().postJson("/api/registrations", "{\"name\":\"S\",\"email\":\"nosession@example.com\"}");
        HttpResponse<String> form = anonymous().postForm("/register", Map.of("name", "S", "email", "nosession2@example.com"));

        assertThat(api.headers().firstValue("Set-Cookie")).isEmpty();
        assertThat(form.headers().firstValue("Set-Cookie")).isEmpty();
    }

    private HttpRequest.Builder formPost(String body) {
        return formPost(body, "/register");
    }

    private HttpRequest.Builder formPost(String body, String path) {
        return HttpRequest.newBuilder(anonymous().uri(path)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

}
