package dev.verimail.registration;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;

import dev.verimail.testbed.OpenApiDocuments;
import dev.verimail.testbed.ServiceTest;

/**
 * The OpenAPI 3.1 document springdoc serves on the management port equals the checked-in
 * {@code docs/api/registration-service.openapi.json} (rewrite it with {@code -Dverimail.openapi.write=true}); the
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
        OpenApiDocuments.assertLiveEqualsCheckedIn(environment, "registration-service");
    }

    @Test
    void itIsOpenApi31WithTheOperatorScheme() {
        OpenApiDocuments.assertOpenApi31(environment, "registration-service", "/api/registrations", "/api/registrations/resend", "/api/registrations/{id}",
                "/api/registrations/{id}/email");
    }

    @Test
    void thePublicPortServesNoApiDocument() {
        OpenApiDocuments.assertNoneOnThePublicPort(port);
    }
}
