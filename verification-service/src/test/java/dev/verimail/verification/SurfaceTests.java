package dev.verimail.verification;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;

import dev.verimail.testbed.ServiceTest;
import dev.verimail.testbed.TestHttp;
import tools.jackson.databind.json.JsonMapper;

/**
 * Who may call what on verification-service (DESIGN.md, "Surfaces and access"): the link's page and the confirm
 * API are public and answer the same whatever {@code Authorization} says; nothing else is; the actuator is on the
 * management port only; a confirm form posted from another site is refused.
 */
@ServiceTest
class SurfaceTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Autowired
    Environment environment;

    @Test
    void thePublicEndpointsAnswerAlikeWithAnyAuthorization() {
        TestHttp http = TestHttp.localhost(port);
        for (TestHttp caller : List.of(http, http.withAuthorization("Bearer " + "w".repeat(40)), http.asOperator(),
                http.withAuthorization("Bearer"), http.withAuthorization("Negotiate YIIC"))) {
            HttpResponse<String> api = caller.postJson("/api/verifications", "{\"token\":\"nope\",\"authcode\":\"nope\"}");
            assertThat(api.statusCode()).isEqualTo(404);
            assertThat(JSON.readTree(api.body()).get("code").asString()).isNotBlank();
            assertThat(caller.get("/verify?token=nope&authcode=nope").statusCode()).isEqualTo(404);
            HttpResponse<String> code = caller.postJson("/api/verifications/code",
                    "{\"email\":\"surface@example.com\",\"code\":\"123456\"}");
            assertThat(code.statusCode()).isIn(404, 429);
            assertThat(JSON.readTree(code.body()).get("code").asString()).isIn("code-not-valid", "code-locked");
            assertThat(caller.get("/verify/code").statusCode()).isEqualTo(200);
            for (String path : List.of("/actuator/health", "/actuator/prometheus", "/actuator/env")) {
                assertThat(caller.get(path).statusCode()).as(path).isEqualTo(404);
            }
        }
        assertThat(TestHttp.management(environment).get("/actuator/health/readiness").statusCode()).isEqualTo(200);
    }

    @Test
    void aConfirmFormPostedFromAnotherSiteIsRefused() {
        TestHttp http = TestHttp.localhost(port);
        String form = TestHttp.form(Map.of("token", "t", "authcode", "a"));
        HttpResponse<String> crossSite = http.send(HttpRequest.newBuilder(http.uri("/verify"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Sec-Fetch-Site", "cross-site")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
        HttpResponse<String> sameOrigin = http.send(HttpRequest.newBuilder(http.uri("/verify"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Sec-Fetch-Site", "same-origin")
                .POST(HttpRequest.BodyPublishers.ofString(form)));

        assertThat(crossSite.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(crossSite.body()).get("code").asString()).isEqualTo("cross-site-request");
        assertThat(sameOrigin.statusCode()).as("reaches the page: an unknown link").isEqualTo(404);
    }
}
