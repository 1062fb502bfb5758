package dev.verimail.mailer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.verimail.events.registration.RegistrationEvent;
import dev.verimail.testbed.TestHttp;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The delivery records as an operator reads them ({@code GET /api/deliveries}, with the operator token). */
final class DeliveryRecords {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final TestHttp http;

    DeliveryRecords(TestHttp http) {
        this.http = http;
    }

    /** Every delivery of {@code email}, newest first. */
    List<JsonNode> of(String email) {
        HttpResponse<String> response = http.asOperator().get("/api/deliveries?email=" + TestHttp.enc(email));
        assertThat(response.statusCode()).isEqualTo(200);
        List<JsonNode> list = new ArrayList<>();
        JSON.readTree(response.body()).forEach(list::add);
        return list;
    }

    /** The delivery of {@code event}, or null while there is none. */
    JsonNode of(RegistrationEvent event) {
        for (JsonNode d : of(event.email())) {
            if (d.get("eventId").asString().equals(event.eventId().toString())) {
                return d;
            }
        }
        return null;
    }

    /** Waits (at most 30 s) until the delivery of {@code event} has {@code status}, and returns it. */
    JsonNode awaitStatus(RegistrationEvent event, String status) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
            JsonNode d = of(event);
            return d != null && status.equals(d.get("status").asString());
        });
        return of(event);
    }
}
