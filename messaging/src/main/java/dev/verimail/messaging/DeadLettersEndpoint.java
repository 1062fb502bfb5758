package dev.verimail.messaging;

import java.time.Duration;
import java.util.Map;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/**
 * The operator command for dead letters, on the actuator: {@code POST /actuator/deadletters/registration-events.DLT}
 * replays that topic and answers how many records went back (400 for a name that is not a dead-letter topic, 503
 * when the broker does not take them). Safe to run again: see {@link DeadLetterReplay}.
 */
@Endpoint(id = "deadletters")
public class DeadLettersEndpoint {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final DeadLetterReplay replay;

    DeadLettersEndpoint(DeadLetterReplay replay) {
        this.replay = replay;
    }

    @WriteOperation
    public WebEndpointResponse<Object> replay(@Selector String topic) {
        try {
            return new WebEndpointResponse<>(replay.replay(topic, TIMEOUT));
        }
        catch (IllegalArgumentException e) {
            return new WebEndpointResponse<>(Map.of("error", e.getMessage()), WebEndpointResponse.STATUS_BAD_REQUEST);
        }
        catch (IllegalStateException | org.apache.kafka.common.KafkaException e) {
            return new WebEndpointResponse<>(Map.of("error", ConsumerStalls.describe(e)),
                    WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE);
        }
    }
}
