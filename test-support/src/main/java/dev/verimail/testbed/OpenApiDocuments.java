package dev.verimail.testbed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.springframework.core.env.Environment;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The checked-in OpenAPI document of a service ({@code docs/api/<service>.openapi.json}) against the live one that
 * springdoc serves on the management port ({@code /actuator/openapi}). Compared as JSON trees, so key order and
 * whitespace do not count. {@code -Dverimail.openapi.write=true} rewrites the checked-in file from the live document
 * instead (then review the diff and commit it).
 */
public final class OpenApiDocuments {

    /** The system property that rewrites the checked-in documents. */
    public static final String WRITE = "verimail.openapi.write";

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    private OpenApiDocuments() {
    }

    /** Where the checked-in document of {@code service} is: {@code docs/api/} at the repository root. */
    public static Path checkedIn(String service) {
        // surefire runs in the module's directory; the repository root is its parent
        Path root = Path.of("").toAbsolutePath();
        while (root != null && !Files.isDirectory(root.resolve("docs"))) {
            root = root.getParent();
        }
        if (root == null) {
            throw new IllegalStateException("no docs/ folder above " + Path.of("").toAbsolutePath());
        }
        return root.resolve("docs/api/" + service + ".openapi.json");
    }

    /** The live document of the service under test, from its management port. */
    public static JsonNode live(Environment environment) {
        HttpResponse<String> response = TestHttp.management(environment).get("/actuator/openapi");
        if (response.statusCode() != 200) {
            throw new AssertionError("GET /actuator/openapi on the management port answered " + response.statusCode()
                    + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    /**
     * Fails unless the live document equals the checked-in one; with {@code -Dverimail.openapi.write=true} rewrites
     * the checked-in one instead.
     */
    public static void assertLiveEqualsCheckedIn(Environment environment, String service) {
        JsonNode live = live(environment);
        Path file = checkedIn(service);
        String regenerate = "Regenerate it with ./mvnw -B -o -pl " + service
                + " verify -Dtest=OpenApiDocumentTests -Dsurefire.failIfNoSpecifiedTests=false -D" + WRITE
                + "=true, then review and commit the diff of " + file.getFileName() + ".";
        try {
            if (Boolean.getBoolean(WRITE)) {
                Files.createDirectories(file.getParent());
                Files.writeString(file, JSON.writeValueAsString(live) + "\n", StandardCharsets.UTF_8);
                return;
            }
            if (!Files.exists(file)) {
                throw new AssertionError(file + " does not exist. " + regenerate);
            }
            JsonNode expected = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
            if (!expected.equals(live)) {
                throw new AssertionError("The live OpenAPI document of " + service
                        + " (/actuator/openapi) differs from " + file + ". If the API change is intended: " + regenerate
                        + "\nlive document:\n"
                        + JSON.writeValueAsString(live));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Fails unless the live document is OpenAPI 3.1, titled {@code service}, with the operator bearer scheme and
     * exactly {@code paths} (so that a new endpoint is documented on purpose, not by accident).
     */
    public static void assertOpenApi31(Environment environment, String service, String... paths) {
        JsonNode document = live(environment);
        check(document.get("openapi").asString().startsWith("3.1."), "openapi 3.1.x, not " + document.get("openapi"));
        check(document.get("info").get("title").asString().equals(service), "title " + service);
        JsonNode operator = document.get("components").get("securitySchemes").get("operator");
        check(operator != null && operator.get("type").asString().equals("http")
                && operator.get("scheme").asString().equals("bearer"), "an http bearer scheme named operator");
        Set<String> documented = new TreeSet<>(document.get("paths").propertyNames());
        check(documented.equals(new TreeSet<>(List.of(paths))), "paths " + new TreeSet<>(List.of(paths))
                + ", not " + documented);
    }

    /** Fails unless the public port at {@code port} serves no API document, to an anonymous caller or an operator. */
    public static void assertNoneOnThePublicPort(int port) {
        TestHttp http = TestHttp.localhost(port);
        for (TestHttp caller : List.of(http, http.asOperator())) {
            for (String path : List.of("/v3/api-docs", "/v3/api-docs.yaml", "/actuator/openapi", "/swagger-ui.html")) {
                int status = caller.get(path).statusCode();
                check(status == 404, path + " on the public port answers 404, not " + status);
            }
        }
    }

    private static void check(boolean ok, String expected) {
        if (!ok) {
            throw new AssertionError("Expected " + expected);
        }
    }
}
