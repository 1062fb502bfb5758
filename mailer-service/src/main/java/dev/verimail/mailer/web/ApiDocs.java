package dev.verimail.mailer.web;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.swagger.v3.oas.models.OpenAPI;

import dev.verimail.web.ApiDocuments;

/**
 * The frame of this service's OpenAPI 3.1 document (springdoc adds the paths): served on the management port only,
 * as {@code /actuator/openapi}; checked in as {@code docs/api/mailer-service.openapi.json}, kept equal by
 * {@code OpenApiDocumentTests}.
 */
@Configuration(proxyBeanMethods = false)
class ApiDocs {

    @Bean
    OpenAPI verimailOpenApi() {
        return ApiDocuments.base("mailer-service",
                "Delivery records and the re-drive, for operators; the built-in inbox "
                        + "(MAILER_TRANSPORT=inbox, development only). Errors are RFC 9457 application/problem+json "
                        + "with a stable code.",
                8083);
    }
}
