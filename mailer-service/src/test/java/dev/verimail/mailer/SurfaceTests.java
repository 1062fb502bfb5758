package dev.verimail.mailer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;

import dev.verimail.events.registration.UserRegistered;
import dev.verimail.testbed.ServiceTest;
import dev.verimail.testbed.TestHttp;
import tools.jackson.databind.json.JsonMapper;

/**
 * Who may call what on the mailer (DESIGN.md, "Surfaces and access"): its delivery records and the re-drive are for
 * operators only; anonymously or with a wrong token they answer 401 and give away nothing, not even whether an
 * address has deliveries. The actuator is on the management port only. (Inbox mode, so the inbox pages exist too.)
 */
@ServiceTest(properties = "mailer.transport=inbox")
class SurfaceTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Value("${spring.kafka.bootstrap-servers}")
    String bootstrapServers;

    @Autowired
    Environment environment;

    @Test
    void deliveriesAndTheRedriveNeedTheOperatorToken() {
        try (Events events = new Events(bootstrapServers)) {
            UserRegistered event = Events.registered(Events.newUserId(), "Rita", "rita@example.com", "tok-s", "auth-s");
            events.publish(event);
        }
        TestHttp http = TestHttp.localhost(port);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> http.asOperator().get("/api/deliveries?email=rita@example.com").body().contains("\"SENT\""));

        for (TestHttp caller : List.of(http, http.withAuthorization("Bearer " + "w".repeat(40)),
                http.withAuthorization("Bearer"), http.withAuthorization("Basic cm9vdDpyb290"))) {
            for (HttpResponse<String> response : List.of(caller.get("/api/deliveries?email=rita@example.com"),
                    caller.get("/api/deliveries?email=nobody@example.com"), caller.get("/api/deliveries"),
                    caller.post("/admin/deliveries/redrive", "application/json", ""),
                    caller.post("/admin/deliveries/redrive?code=40005", "application/json", ""))) {
                assertThat(response.statusCode()).as(response.uri().toString()).isEqualTo(401);
                assertThat(JSON.readTree(response.body()).get("code").asString()).isEqualTo("unauthorized");
                assertThat(response.body()).doesNotContain("rita", "tok-s", "auth-s", "w".repeat(40));
            }
        }

        HttpResponse<String> deliveries = http.asOperator().get("/api/deliveries?email=rita@example.com");
        assertThat(deliveries.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(deliveries.body()).get(0).get("status").asString()).isEqualTo("SENT");
        HttpResponse<String> redrive = http.asOperator().post("/admin/deliveries/redrive", "application/json", "");
        assertThat(redrive.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(redrive.body()).get("redriven").asInt()).isZero();
    }

    @Test
    void theActuatorIsOnlyOnTheManagementPort() {
        TestHttp http = TestHttp.localhost(port);
        for (TestHttp caller : List.of(http, http.asOperator())) {
            for (String path : List.of("/actuator/health", "/actuator/prometheus", "/actuator/deadletters/registration-events.DLT")) {
                assertThat(caller.get(path).statusCode()).as(path).isEqualTo(404);
            }
        }
        assertThat(http.send(HttpRequest.newBuilder(http.uri("/actuator/deadletters/registration-events.DLT"))
                .POST(HttpRequest.BodyPublishers.noBody())).statusCode()).isIn(401, 404);
        TestHttp management = TestHttp.management(environment);
        assertThat(management.get("/actuator/health/readiness").statusCode()).isEqualTo(200);
        assertThat(management.get("/actuator/prometheus").body()).contains("mailer_sends_in_flight");
    }
}
