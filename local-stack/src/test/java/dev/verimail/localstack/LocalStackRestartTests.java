package dev.verimail.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.verimail.localmariadb.EmbeddedMariaDb;

/**
 * What {@code ./run-local.sh} promises: the whole system on the embedded MariaDB, and a restart keeps everything.
 * Runs the real launcher (Kafka in this JVM, MariaDB and the three services as child processes from their built
 * jars) on ports of its own, so it does not collide with a local run on 8081-8083.
 */
class LocalStackRestartTests {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path data;

    private LocalStack stack;

    @AfterEach
    void stop() {
        if (stack != null) {
            stack.stop();
        }
    }

    @Test
    void signUpConfirmRestartAndTheUserIsStillVerifiedOnTheEmbeddedMariaDb() throws Exception {
        Path repository = Path.of(System.getProperty("verimail.repository", "..")).toAbsolutePath().normalize();
        int http = threeFreePorts();
        Map<String, String> env = Map.of("VERIMAIL_DATA_DIR", data.toString(),
                "VERIMAIL_KAFKA_PORT", Integer.toString(threeFreePorts()),
                "VERIMAIL_HTTP_PORT", Integer.toString(http),
                "VERIMAIL_SERVICE_JAVA_OPTS", "-Xms64m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1");
        String registration = "http://localhost:" + http;
        String verification = "http://localhost:" + (http + 1);
        String mailer = "http://localhost:" + (http + 2);

        stack = new LocalStack(repository, env);
        stack.start();
        assertThat(data.resolve("db").resolve("mysql")).isDirectory(); // a MariaDB data directory, not H2 files
        assertThat(data.resolve("db").resolve("registration")).isDirectory();

        HttpResponse<String> signup = post(registration + "/api/registrations",
                "{\"name\":\"Ada Lovelace\",\"email\":\"ada@example.com\"}");
        assertThat(signup.statusCode()).isEqualTo(202);
        String location = signup.headers().firstValue("Location").orElseThrow();

        String inbox = eventually(() -> get(mailer + "/api/inbox?to=ada@example.com"), body -> body.contains("\"link\""));
        Matcher link = Pattern.compile("\"link\":\"[^\"]*/verify\\?token=([^&\"]+)&authcode=([^&\"]+)\"").matcher(inbox);
        assertThat(link.find()).as("a verification link in %s", inbox).isTrue();
        String token = URLDecoder.decode(link.group(1), StandardCharsets.UTF_8);
        String authcode = URLDecoder.decode(link.group(2), StandardCharsets.UTF_8);
        HttpResponse<String> confirm = post(verification + "/api/verifications",
                "{\"token\":\"" + token + "\",\"authcode\":\"" + authcode + "\"}");
        assertThat(confirm.statusCode()).as(confirm.body()).isEqualTo(200);
        eventually(() -> get(registration + location), body -> body.contains("\"status\":\"VERIFIED\""));

        stack.stop();
        assertThat(Files.exists(data.resolve("db").resolve("mariadbd.pid"))).as("MariaDB stopped cleanly").isFalse();
        stack = new LocalStack(repository, env);
        stack.start();

        // the public view is {"id","status"}: nothing personal
        assertThat(get(registration + location)).contains("\"status\":\"VERIFIED\"", location.substring(location.lastIndexOf('/') + 1));
        assertThat(post(registration + "/api/registrations", "{\"name\":\"Ada\",\"email\":\"ADA@example.com\"}")
                .statusCode()).as("the address is still taken after the restart").isEqualTo(409);
        assertThat(Files.readString(data.resolve("logs").resolve("mariadb.log")))
                .contains("MariaDB " + EmbeddedMariaDb.VERSION);
    }

    private static String get(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        }
        catch (IOException e) {
            return "";
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static HttpResponse<String> post(String url, String json) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String eventually(Supplier<String> call, java.util.function.Predicate<String> done)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        String last = call.get();
        while (!done.test(last)) {
            assertThat(Instant.now()).as("waited 60 s; last answer: %s", last).isBefore(deadline);
            Thread.sleep(200);
            last = call.get();
        }
        return last;
    }

    /** The first of three consecutive free ports (the services, and Kafka's broker plus controller, take neighbours). */
    private static int threeFreePorts() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int first;
            try (ServerSocket socket = new ServerSocket(0)) {
                first = socket.getLocalPort();
            }
            if (first < 65533 && free(first + 1) && free(first + 2)) {
                return first;
            }
        }
        throw new IllegalStateException("no three consecutive free ports");
    }

    private static boolean free(int port) {
        try (ServerSocket ignored = new ServerSocket(port)) {
            return true;
        }
        catch (IOException e) {
            return false;
        }
    }
}
