package dev.verimail.registration.web;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.List;

import org.springdoc.core.customizers.OpenApiCustomizer;

import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.OpenAPI;

import dev.verimail.web.ApiDocuments;

/**
 * The frame of this service's OpenAPI 3.1 document (springdoc adds the paths): served on the management port only,
 * as {@code /actuator/openapi}; checked in as {@code docs/api/registration-service.openapi.json}, kept equal by
 * {@code OpenApiDocumentTests}.
 */
@Configuration(proxyBeanMethods = false)
class ApiDocs {

    @Bean
    OpenAPI verimailOpenApi() {
        return ApiDocuments.base("registration-service",
                "Sign-up, resend and the status of a registration (DESIGN.md, HTTP contract); the full "
                        + "record for operators. Errors are RFC 9457 application/problem+json with a stable code; "
                        + "over an abuse limit 429 rate-limited with Retry-After.",
                8081);
    }

    /** {@code GET /api/registrations/{id}} answers anyone; the operator token is optional there (the full record). */
    @Bean
    OpenApiCustomizer operatorTokenOptionalOnTheStatus() {
        return api -> api.getPaths().get("/api/registrations/{id}").getGet().setSecurity(
                List.of(new SecurityRequirement(), new SecurityRequirement().addList(ApiDocuments.OPERATOR)));
    }
}
