package dev.verimail.registration;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.verimail.testbed.ServiceTest;
import dev.verimail.testbed.TestHttp;

/**
 * Without trusted proxies (the default) {@code X-Forwarded-For} is ignored: a client that names a new address in it
 * with every request is still counted under its socket's address.
 */
@ServiceTest(properties = "registration.limits.per-client=2/1h")
class ForwardedForTests {

    @LocalServerPort
    int port;

    @Test
    void aSpoofedForwardedForDoesNotEscapeThePerClientLimit() {
        TestHttp http = TestHttp.localhost(port);
        int[] statuses = new int[3];
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(http.uri("/api/registrations"))
                    .header("Content-Type", "application/json").header("X-Forwarded-For", "198.51.100." + (i + 1))
                    .header("X-Real-IP", "198.51.100." + (i + 1)).header("Forwarded", "for=198.51.100." + (i + 1))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"S\",\"email\":\"spoof" + i + "@example.com\"}")));
            statuses[i] = response.statusCode();
        }

        assertThat(statuses).containsExactly(202, 202, 429);
    }
}
