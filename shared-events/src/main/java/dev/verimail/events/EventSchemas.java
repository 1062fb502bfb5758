package dev.verimail.events;

import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where each event's JSON Schema (draft 2020-12) lives on the classpath of this module:
 * {@code schemas/<Type>.v<N>.schema.json}, one file per version of the event.
 */
public final class EventSchemas {

    private static final Pattern CLOUD_EVENT_TYPE = Pattern.compile("verimail\\.[a-z]+\\.([A-Za-z]+)\\.v([0-9]+)");
    private static final int NEWEST_KNOWN = 9;

    private EventSchemas() {
    }

    /** Classpath resource of version {@code version} of an event {@code type}. */
    public static String resource(String type, int version) {
        return "schemas/" + type + ".v" + version + ".schema.json";
    }

    /** Opens the schema of the newest version of an event {@code type}; fails loudly when there is none. */
    public static InputStream open(String type) {
        for (int version = NEWEST_KNOWN; version >= 1; version--) {
            InputStream in = EventSchemas.class.getClassLoader().getResourceAsStream(resource(type, version));
            if (in != null) {
                return in;
            }
        }
        throw new UncheckedIOException(new IOException("No JSON Schema for event type " + type));
    }

    /** Opens the schema of a CloudEvents type such as {@code verimail.registration.UserRegistered.v1}. */
    public static InputStream forCloudEventType(String cloudEventType) {
        Matcher m = CLOUD_EVENT_TYPE.matcher(cloudEventType == null ? "" : cloudEventType);
        if (!m.matches()) {
            throw new IllegalArgumentException("Not a verimail CloudEvents type: " + cloudEventType);
        }
        String resource = resource(m.group(1), Integer.parseInt(m.group(2)));
        InputStream in = EventSchemas.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new UncheckedIOException(new IOException("No JSON Schema for " + cloudEventType + " at " + resource));
        }
        return in;
    }
}
