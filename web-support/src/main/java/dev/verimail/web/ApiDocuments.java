package dev.verimail.web;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;

/**
 * What the OpenAPI documents of all verimail services share (springdoc builds the paths): the operator bearer token's
 * security scheme and the RFC 9457 problem details every JSON endpoint answers errors with. A service's document is
 * served on its management port only ({@code /actuator/openapi}, {@code springdoc.use-management-port}) and checked in
 * as {@code docs/api/<service>.openapi.json}.
 */
public final class ApiDocuments {

    /** The security scheme of the operator bearer token, for {@code @SecurityRequirement(name = OPERATOR)}. */
    public static final String OPERATOR = "operator";

    /** {@code $ref} of the problem details schema, for {@code @Schema(ref = PROBLEM)}. */
    public static final String PROBLEM = "#/components/schemas/Problem";

    /** The media type of problem details. */
    public static final String PROBLEM_JSON = "application/problem+json";

    private ApiDocuments() {
    }

    /**
     * The document's frame: title, description, the default public port as its server (fixed, so the document does
     * not depend on the port it was generated on), the operator scheme and the problem schema.
     */
    public static OpenAPI base(String service, String description, int defaultPort) {
        Schema<?> fieldError = new ObjectSchema()
                .addProperty("field", new StringSchema())
                .addProperty("message", new StringSchema());
        Schema<?> problem = new ObjectSchema()
                .description("RFC 9457 problem details. Clients branch on type or code, never on title or detail.")
                .properties(new TreeMap<>(Map.of(
                        "type", new StringSchema().format("uri").example("https://verimail.dev/problems/invalid-input"),
                        "code", new StringSchema().description("the short form of type").example("invalid-input"),
                        "title", new StringSchema(),
                        "status", new IntegerSchema(),
                        "detail", new StringSchema(),
                        "instance", new StringSchema().format("uri-reference"),
                        "errors", new ArraySchema().items(fieldError)
                                .description("validation problems only: the failing fields"))))
                .required(List.of("type", "code", "status"));
        return new OpenAPI()
                .info(new Info().title(service).version("v1").description(description))
                .servers(List.of(new Server().url("http://localhost:" + defaultPort)
                        .description("the default public port (SERVER_PORT)")))
                .components(new Components()
                        .addSchemas("Problem", problem)
                        .addSecuritySchemes(OPERATOR, new SecurityScheme()
                                .type(SecurityScheme.Type.HTTP).scheme("bearer")
                                .description("An operator token, one of VERIMAIL_OPERATOR_TOKENS (comma-separated; "
                                        + "unset: operator endpoints always answer 401). Without it or with a "
                                        + "wrong one: 401 application/problem+json, code unauthorized.")));
    }
}
