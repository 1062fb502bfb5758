package dev.verimail.testbed;

import java.util.List;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

import dev.verimail.events.EventSchemas;

/** The producer's half of the contract check: the JSON a service emits is accepted by the event's schema. */
public final class EventSchemaAssert {

    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    private EventSchemaAssert() {
    }

    public static void assertMatchesSchema(String type, String json) {
        List<Error> errors = SCHEMAS.getSchema(EventSchemas.open(type)).validate(json, InputFormat.JSON);
        if (!errors.isEmpty()) {
            throw new AssertionError("JSON does not match the " + type + " schema: " + errors + "\n" + json);
        }
    }
}
