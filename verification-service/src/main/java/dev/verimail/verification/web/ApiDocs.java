package dev.verimail.verification.web;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.swagger.v3.oas.models.OpenAPI;

import dev.verimail.web.ApiDocuments;

/**
 * The frame of this service's OpenAPI 3.1 document (springdoc adds the paths): served on the management port only,
 * as {@code /actuator/openapi}; checked in as {@code docs/api/verification-service.openapi.json}, kept equal by
 * {@code OpenApiDocumentTests}.
 */
@Configuration(proxyBeanMethods = false)
class ApiDocs {

    @Bean
    OpenAPI verimailOpenApi() {
        return ApiDocuments.base("verification-service",
                "Verification of a link's token and authcode, or of the address and the 6-digit code of the "
                        + "email, as an API call (DESIGN.md, HTTP contract). "
                        + "Errors are RFC 9457 application/problem+json with a stable code.",
                8082);
    }
}
