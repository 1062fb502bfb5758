package dev.verimail.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.verimail.events.registration.RegistrationTopicEvent;
import dev.verimail.events.verification.VerificationEvent;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * {@code docs/api/verimail.asyncapi.yaml} against the code: AsyncAPI 3.0 in structure (required fields, operations
 * on channels by {@code $ref}), its channels exactly the topics of {@link Topics}, each channel's messages exactly
 * the CloudEvents types its consumers accept, the CloudEvents headers those of {@link CloudEventHeaders}, every
 * payload the shared-events schema of its type and version ({@link EventSchemas#resource}), every referenced file
 * present and every event schema of this module referenced.
 */
class AsyncApiDocumentTests {

    private static final Pattern CLOUD_EVENT_TYPE = Pattern.compile("verimail\\.[a-z]+\\.([A-Za-z]+)\\.v([0-9]+)");

    private static Path file;
    private static JsonNode doc;

    @BeforeAll
    static void read() throws IOException {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("docs/api/verimail.asyncapi.yaml"))) {
            dir = dir.getParent();
        }
        assertThat(dir).as("docs/api/verimail.asyncapi.yaml above " + Path.of("").toAbsolutePath()).isNotNull();
        file = dir.resolve("docs/api/verimail.asyncapi.yaml");
        doc = YAMLMapper.builder().build().readTree(Files.readString(file));
    }

    @Test
    void isAsyncApi30InStructure() {
        assertThat(text(doc, "asyncapi")).matches("3\\.0\\.[0-9]+");
        assertThat(text(doc.get("info"), "title")).isNotBlank();
        assertThat(text(doc.get("info"), "version")).isNotBlank();

        JsonNode channels = doc.get("channels");
        assertThat(channels.isObject() && !channels.isEmpty()).as("channels").isTrue();
        for (String id : channels.propertyNames()) {
            JsonNode channel = channels.get(id);
            assertThat(text(channel, "address")).as("channels." + id + ".address").isNotBlank();
            JsonNode messages = channel.get("messages");
            assertThat(messages != null && messages.isObject() && !messages.isEmpty())
                    .as("channels." + id + ".messages").isTrue();
            for (String name : messages.propertyNames()) {
                JsonNode message = resolve(messages.get(name));
                assertThat(message.isObject()).as("channels." + id + ".messages." + name).isTrue();
                assertThat(message.has("payload")).as("payload of " + name).isTrue();
            }
        }

        JsonNode operations = doc.get("operations");
        assertThat(operations.isObject() && !operations.isEmpty()).as("operations").isTrue();
        for (String id : operations.propertyNames()) {
            JsonNode operation = operations.get(id);
            assertThat(text(operation, "action")).as("operations." + id + ".action").isIn("send", "receive");
            String channelRef = text(operation.get("channel"), "$ref");
            assertThat(channelRef).as("operations." + id + ".channel.$ref").startsWith("#/channels/");
            assertThat(pointer(channelRef).isMissingNode()).as(channelRef).isFalse();
            JsonNode messages = operation.get("messages");
            if (messages != null) {
                for (JsonNode message : messages) {
                    // AsyncAPI 3.0: an operation's messages are a subset of its channel's
                    assertThat(text(message, "$ref")).as("operations." + id + ".messages")
                            .startsWith(channelRef + "/messages/");
                    assertThat(pointer(text(message, "$ref")).isMissingNode()).as(text(message, "$ref")).isFalse();
                }
            }
        }
        assertThat(actions("send")).as("every channel has a producer")
                .containsExactlyInAnyOrderElementsOf(addresses());
        assertThat(actions("receive")).as("every channel has a consumer")
                .containsExactlyInAnyOrderElementsOf(addresses());
    }

    @Test
    void everyLocalReferenceResolves() {
        for (String ref : refs(doc)) {
            if (ref.startsWith("#")) {
                assertThat(pointer(ref).isMissingNode()).as(ref).isFalse();
            }
        }
    }

    @Test
    void theChannelsAreTheTopicsOfTheCode() throws IllegalAccessException {
        Set<String> topics = new HashSet<>();
        for (Field field : Topics.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                topics.add((String) field.get(null));
            }
        }
        assertThat(addresses()).containsExactlyInAnyOrderElementsOf(topics);
    }

    @Test
    void eachChannelCarriesExactlyTheTypesItsConsumersAccept() {
        Map<String, Set<String>> accepted = Map.of(
                Topics.REGISTRATION_EVENTS, RegistrationTopicEvent.CLOUD_EVENT_TYPES,
                Topics.VERIFICATION_EVENTS, VerificationEvent.CLOUD_EVENT_TYPES);
        for (JsonNode channel : doc.get("channels")) {
            Set<String> names = new TreeSet<>();
            for (JsonNode message : channel.get("messages")) {
                names.add(text(resolve(message), "name"));
            }
            assertThat(names).as(text(channel, "address")).containsExactlyInAnyOrderElementsOf(
                    accepted.get(text(channel, "address")));
        }
    }

    @Test
    void theHeadersAreTheCloudEventsHeadersTheRelaySends() throws IllegalAccessException {
        JsonNode headers = pointer("#/components/schemas/CloudEventsHeaders");
        Set<String> names = new HashSet<>();
        for (Field field : CloudEventHeaders.class.getFields()) {
            String value = (String) field.get(null);
            // the header names, not their fixed values
            if (!value.equals(CloudEventHeaders.SPEC_VERSION_1_0)
                    && !value.equals(CloudEventHeaders.APPLICATION_JSON)) {
                names.add(value);
            }
        }
        List<String> required = new ArrayList<>();
        headers.get("required").forEach(n -> required.add(n.asString()));
        // every header but the trace context, which is there only when tracing is on
        assertThat(required).containsExactlyInAnyOrderElementsOf(names.stream()
                .filter(name -> !name.equals(CloudEventHeaders.TRACEPARENT)).toList());
        assertThat(headers.get("properties").propertyNames()).containsExactlyInAnyOrderElementsOf(names);
        assertThat(text(headers.get("properties").get(CloudEventHeaders.SPEC_VERSION), "const"))
                .isEqualTo(CloudEventHeaders.SPEC_VERSION_1_0);
        assertThat(text(headers.get("properties").get(CloudEventHeaders.CONTENT_TYPE), "const"))
                .isEqualTo(CloudEventHeaders.APPLICATION_JSON);
        for (JsonNode message : doc.get("components").get("messages")) {
            assertThat(refs(message)).as(text(message, "name") + " has the CloudEvents headers (by a trait)")
                    .anyMatch(ref -> ref.startsWith("#/components/messageTraits/"));
        }
    }

    @Test
    void eachPayloadIsTheSchemaOfItsTypeAndVersion() {
        for (JsonNode message : doc.get("components").get("messages")) {
            String name = text(message, "name");
            Matcher type = CLOUD_EVENT_TYPE.matcher(name);
            assertThat(type.matches()).as("message name " + name + " is a CloudEvents type").isTrue();
            String expected = EventSchemas.resource(type.group(1), Integer.parseInt(type.group(2)));
            assertThat(refs(message.get("payload"))).as(name).singleElement()
                    .satisfies(ref -> assertThat(ref).endsWith("/src/main/resources/" + expected));
        }
    }

    @Test
    void everyReferencedFileExistsAndEverySchemaIsReferenced() throws IOException {
        Set<Path> referenced = refs(doc).stream().filter(ref -> !ref.startsWith("#"))
                .map(ref -> file.getParent().resolve(ref.contains("#") ? ref.substring(0, ref.indexOf('#')) : ref)
                        .normalize())
                .collect(Collectors.toSet());
        for (Path path : referenced) {
            assertThat(path).as("referenced from " + file).isRegularFile();
        }
        Path schemas = Path.of("src/main/resources/schemas").toAbsolutePath().normalize();
        try (Stream<Path> files = Files.list(schemas)) {
            Set<Path> all = files.filter(p -> p.getFileName().toString().endsWith(".schema.json"))
                    .map(Path::normalize).collect(Collectors.toSet());
            assertThat(all).isNotEmpty();
            assertThat(referenced).as("every event schema of shared-events").containsAll(all);
        }
    }

    // --- helpers

    private static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value == null || value.isNull() ? null : value.asString();
    }

    private static JsonNode pointer(String ref) {
        return doc.at(ref.substring(1));
    }

    /** A {@code $ref} followed within the document (once per hop), or the node itself. */
    private static JsonNode resolve(JsonNode node) {
        while (node.has("$ref") && text(node, "$ref").startsWith("#")) {
            node = pointer(text(node, "$ref"));
        }
        return node;
    }

    private static Set<String> refs(JsonNode node) {
        Set<String> found = new HashSet<>();
        collect(node, found);
        return found;
    }

    private static void collect(JsonNode node, Set<String> found) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                if (e.getKey().equals("$ref") && e.getValue().isString()) {
                    found.add(e.getValue().asString());
                } else {
                    collect(e.getValue(), found);
                }
            }
        } else if (node.isArray()) {
            node.forEach(child -> collect(child, found));
        }
    }

    private static Set<String> addresses() {
        Set<String> addresses = new HashSet<>();
        doc.get("channels").forEach(channel -> addresses.add(text(channel, "address")));
        return addresses;
    }

    /** The addresses of the channels that have an operation with {@code action}. */
    private static List<String> actions(String action) {
        Map<String, String> byRef = new HashMap<>();
        for (String id : doc.get("channels").propertyNames()) {
            byRef.put("#/channels/" + id, text(doc.get("channels").get(id), "address"));
        }
        Set<String> result = new TreeSet<>();
        for (JsonNode operation : doc.get("operations")) {
            if (action.equals(text(operation, "action"))) {
                result.add(byRef.get(text(operation.get("channel"), "$ref")));
            }
        }
        return new ArrayList<>(result);
    }
}
