package dev.verimail.mailer;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;

import dev.verimail.testbed.OpenApiDocuments;
import dev.verimail.testbed.ServiceTest;

/**
 * The OpenAPI 3.1 document springdoc serves on the management port equals the checked-in
 * {@code docs/api/mailer-service.openapi.json} (rewrite it with {@code -Dverimail.openapi.write=true}); the
 * public port serves no API document, to anyone. Inbox mode, so the document has the development-only /api/inbox too.
 */
@ServiceTest(properties = "mailer.transport=inbox")
class OpenApiDocumentTests {

    @LocalServerPort
    int port;

    @Autowired
    Environment environment;

    @Test
    void theLiveDocumentIsTheCheckedInOne() {
        OpenApiDocuments.assertLiveEqualsCheckedIn(environment, "mailer-service");
    }

    @Test
    void itIsOpenApi31WithTheOperatorScheme() {
        OpenApiDocuments.assertOpenApi31(environment, "mailer-service", "/api/deliveries", "/admin/deliveries/redrive", "/api/inbox",
                "/webhooks/sendcloud");
    }

    @Test
    void thePublicPortServesNoApiDocument() {
        OpenApiDocuments.assertNoneOnThePublicPort(port);
    }
}
