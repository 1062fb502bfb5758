package dev.verimail.testbed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A plain HTTP client for tests: real requests against the service's port, no redirects followed.
 */
public final class TestHttp {

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final String baseUrl;
    private final String authorization;

    public TestHttp(String baseUrl) {
        this(baseUrl, null);
    }

    private TestHttp(String baseUrl, String authorization) {
        this.baseUrl = baseUrl;
        this.authorization = authorization;
    }

    /** The same client sending the test bed's operator token ({@link TestBedInitializer#OPERATOR_TOKEN}). */
    public TestHttp asOperator() {
        return withAuthorization(TestBedInitializer.OPERATOR_AUTHORIZATION);
    }

    /** The same client sending {@code Authorization: value} with every request. */
    public TestHttp withAuthorization(String value) {
        return new TestHttp(baseUrl, value);
    }

    public static TestHttp localhost(int port) {
        return new TestHttp("http://localhost:" + port);
    }

    /** The actuator of a service under test: its management port ({@code local.management.port}). */
    public static TestHttp management(org.springframework.core.env.Environment environment) {
        String port = environment.getProperty("local.management.port");
        if (port == null) {
            throw new IllegalStateException("no local.management.port: is the actuator on a port of its own?");
        }
        return localhost(Integer.parseInt(port));
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    public HttpResponse<String> postJson(String path, String json) {
        return post(path, "application/json", json);
    }

    public HttpResponse<String> postForm(String path, Map<String, String> fields) {
        return post(path, "application/x-www-form-urlencoded", form(fields));
    }

    public HttpResponse<String> post(String path, String contentType, String body) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    public HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            if (authorization != null) {
                request.setHeader("Authorization", authorization);
            }
            return client.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public URI uri(String path) {
        return URI.create(baseUrl + path);
    }

    public static String form(Map<String, String> fields) {
        return fields.entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
    }

    public static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
