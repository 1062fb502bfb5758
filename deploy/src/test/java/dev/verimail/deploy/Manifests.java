package dev.verimail.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The kustomize base in {@code deploy/k8s/base} and each service's {@code application.yml}, read as plain maps: what
 * the tests compare. Nothing here knows a port or a name; they come from the files.
 */
final class Manifests {

    static final List<String> SERVICES = List.of("registration-service", "verification-service", "mailer-service");

    static final String NAME_LABEL = "app.kubernetes.io/name";

    private Manifests() {
    }

    static Path repository() {
        String configured = System.getProperty("verimail.repository");
        Path root = configured != null ? Paths.get(configured) : Paths.get("..");
        root = root.toAbsolutePath().normalize();
        if (!Files.isRegularFile(root.resolve("pom.xml")) || !Files.isDirectory(root.resolve("deploy"))) {
            throw new IllegalStateException("not the repository root: " + root);
        }
        return root;
    }

    static Path base() {
        return repository().resolve("deploy/k8s/base");
    }

    static Yaml yaml() {
        LoaderOptions options = new LoaderOptions();
        // a key given twice is a mistake kubectl refuses too
        options.setAllowDuplicateKeys(false);
        return new Yaml(new SafeConstructor(options));
    }

    /** Every document of one YAML file, in order (empty documents dropped). */
    static List<Map<String, Object>> documents(Path file) {
        try (var reader = Files.newBufferedReader(file)) {
            List<Map<String, Object>> docs = new ArrayList<>();
            for (Object doc : yaml().loadAll(reader)) {
                if (doc != null) {
                    docs.add(map(doc));
                }
            }
            return docs;
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, Object> kustomization() {
        List<Map<String, Object>> docs = documents(base().resolve("kustomization.yaml"));
        if (docs.size() != 1) {
            throw new IllegalStateException("kustomization.yaml holds " + docs.size() + " documents");
        }
        return docs.get(0);
    }

    static List<String> resourceFiles() {
        return strings(kustomization().get("resources"));
    }

    /** Every object of every file the kustomization lists. */
    static List<Map<String, Object>> objects() {
        List<Map<String, Object>> all = new ArrayList<>();
        for (String file : resourceFiles()) {
            all.addAll(documents(base().resolve(file)));
        }
        return all;
    }

    static List<Map<String, Object>> objects(String kind) {
        return objects().stream().filter(o -> kind.equals(o.get("kind"))).toList();
    }

    static Optional<Map<String, Object>> object(String kind, String name) {
        return objects(kind).stream().filter(o -> name.equals(path(o, "metadata", "name"))).findFirst();
    }

    /** A service's {@code src/main/resources/application.yml}, the first document. */
    static Map<String, Object> applicationYml(String service) {
        List<Map<String, Object>> docs = documents(
                repository().resolve(service).resolve("src/main/resources/application.yml"));
        return docs.get(0);
    }

    static int serverPort(String service) {
        return integer(path(applicationYml(service), "server", "port"), service + " server.port");
    }

    static int managementPort(String service) {
        return integer(path(applicationYml(service), "management", "server", "port"), service + " management.server.port");
    }

    /** The pod template's labels of a Deployment. */
    static Map<String, Object> podLabels(Map<String, Object> deployment) {
        return map(path(deployment, "spec", "template", "metadata", "labels"));
    }

    static Map<String, Object> container(Map<String, Object> deployment, String name) {
        return maps(path(deployment, "spec", "template", "spec", "containers")).stream()
                .filter(c -> name.equals(c.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no container " + name));
    }

    /** A container port by number or name, as a number. */
    static int resolvePort(Map<String, Object> container, Object port) {
        if (port instanceof Integer number) {
            return number;
        }
        return maps(container.get("ports")).stream().filter(p -> Objects.equals(port, p.get("name")))
                .map(p -> integer(p.get("containerPort"), "containerPort")).findFirst()
                .orElseThrow(() -> new AssertionError("the container has no port named " + port));
    }

    /** The environment a container gets from its ConfigMaps ({@code envFrom} and {@code env} values). */
    static Map<String, String> configEnvironment(Map<String, Object> container) {
        Map<String, String> env = new LinkedHashMap<>();
        for (Map<String, Object> from : maps(container.get("envFrom"))) {
            Object ref = from.get("configMapRef");
            if (ref != null) {
                String name = (String) map(ref).get("name");
                Map<String, Object> configMap = object("ConfigMap", name)
                        .orElseThrow(() -> new AssertionError("ConfigMap " + name + " is not in the kustomization"));
                map(configMap.get("data")).forEach((k, v) -> env.put(k, String.valueOf(v)));
            }
        }
        for (Map<String, Object> e : maps(container.get("env"))) {
            if (e.get("value") != null) {
                env.put((String) e.get("name"), String.valueOf(e.get("value")));
            }
        }
        return env;
    }

    static List<String> secretRefs(Map<String, Object> container) {
        return maps(container.get("envFrom")).stream().map(f -> f.get("secretRef")).filter(Objects::nonNull)
                .map(r -> (String) map(r).get("name")).toList();
    }

    // plain-map helpers

    static Object path(Map<String, Object> root, String... keys) {
        Object current = root;
        for (String key : keys) {
            if (!(current instanceof Map<?, ?> m)) {
                return null;
            }
            current = m.get(key);
        }
        return current;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        if (o == null) {
            return Map.of();
        }
        if (!(o instanceof Map<?, ?>)) {
            throw new AssertionError("not a mapping: " + o);
        }
        return (Map<String, Object>) o;
    }

    static List<Map<String, Object>> maps(Object o) {
        if (o == null) {
            return List.of();
        }
        if (!(o instanceof List<?> list)) {
            throw new AssertionError("not a list: " + o);
        }
        return list.stream().map(Manifests::map).toList();
    }

    static List<String> strings(Object o) {
        if (o == null) {
            return List.of();
        }
        if (!(o instanceof List<?> list)) {
            throw new AssertionError("not a list: " + o);
        }
        return list.stream().map(String::valueOf).toList();
    }

    static int integer(Object o, String what) {
        if (o instanceof Integer i) {
            return i;
        }
        if (o instanceof String s && s.matches("\\d+")) {
            return Integer.parseInt(s);
        }
        throw new AssertionError(what + " is not a number: " + o);
    }

    static Stream<String> services() {
        return SERVICES.stream();
    }
}
