package dev.verimail.outbox;

import dev.verimail.events.Event;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one JSON form of an event: ISO-8601 instants, {@code type} first, nothing derived. Kept apart from the
 * application's {@code JsonMapper} so web settings never change the wire contract.
 */
public final class EventJson {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private EventJson() {
    }

    public static String write(Event event) {
        return MAPPER.writeValueAsString(event);
    }

    public static <T> T read(String json, Class<T> type) {
        return MAPPER.readValue(json, type);
    }
}
