package dev.verimail.verification;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;

import dev.verimail.testbed.OpenApiDocuments;
import dev.verimail.testbed.ServiceTest;
import dev.verimail.testbed.TestHttp;
import tools.jackson.databind.JsonNode;

/**
 * The OpenAPI 3.1 document springdoc serves on the management port equals the checked-in
 * {@code docs/api/verification-service.openapi.json} (rewrite it with {@code -Dverimail.openapi.write=true}); the
 * public port serves no API document, to anyone.
 */
@ServiceTest
class OpenApiDocumentTests {

    @LocalServerPort
    int port;

    @Autowired
    Environment environment;

    @Test
    void theLiveDocumentIsTheCheckedInOne() {
        OpenApiDocuments.assertLiveEqualsCheckedIn(environment, "verification-service");
    }

    @Test
    void itIsOpenApi31WithTheOperatorScheme() {
        JsonNode document = OpenApiDocuments.live(environment);
        assertThat(document.get("openapi").asString()).startsWith("3.1.");
        assertThat(document.get("info").get("title").asString()).isEqualTo("verification-service");
        JsonNode operator = document.get("components").get("securitySchemes").get("operator");
        assertThat(operator.get("type").asString()).isEqualTo("http");
        assertThat(operator.get("scheme").asString()).isEqualTo("bearer");
        assertThat(document.get("paths").propertyNames()).containsExactlyInAnyOrder(
                "/api/verifications");
    }

    @Test
    void thePublicPortServesNoApiDocument() {
        TestHttp http = TestHttp.localhost(port);
        for (TestHttp caller : List.of(http, http.asOperator())) {
            for (String path : List.of("/v3/api-docs", "/v3/api-docs.yaml", "/actuator/openapi", "/swagger-ui.html")) {
                assertThat(caller.get(path).statusCode()).as(path).isEqualTo(404);
            }
        }
    }
}
