package dev.verimail.events;

import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.IOException;

/**
 * Where each event's JSON Schema (draft 2020-12) lives on the classpath of this module.
 */
public final class EventSchemas {

    private EventSchemas() {
    }

    /** Classpath resource of the schema of an event {@code type}, e.g. {@code schemas/UserRegistered.v1.schema.json}. */
    public static String resource(String type) {
        return "schemas/" + type + ".v1.schema.json";
    }

    /** Opens the schema of an event {@code type}; fails loudly when there is none. */
    public static InputStream open(String type) {
        InputStream in = EventSchemas.class.getClassLoader().getResourceAsStream(resource(type));
        if (in == null) {
            throw new UncheckedIOException(new IOException("No JSON Schema for event type " + type + " at " + resource(type)));
        }
        return in;
    }
}
