package dev.verimail.deploy;

import static dev.verimail.deploy.Manifests.base;
import static dev.verimail.deploy.Manifests.configEnvironment;
import static dev.verimail.deploy.Manifests.container;
import static dev.verimail.deploy.Manifests.kustomization;
import static dev.verimail.deploy.Manifests.map;
import static dev.verimail.deploy.Manifests.maps;
import static dev.verimail.deploy.Manifests.object;
import static dev.verimail.deploy.Manifests.objects;
import static dev.verimail.deploy.Manifests.repository;
import static dev.verimail.deploy.Manifests.secretRefs;
import static dev.verimail.deploy.Manifests.strings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kustomization lists exactly the files there are, and secrets come only from its secretGenerator, out of files
 * git ignores, with committed {@code .example} placeholders; each service gets the secrets it needs and no other.
 */
class KustomizationTests {

    /** Names that hold a secret: never in a ConfigMap or a literal {@code env} value. */
    private static final Pattern SECRET_NAME = Pattern.compile(".*(PASSWORD|TOKENS?|SECRETS?|_KEYS?)$");

    @Test
    void resourcesAreExactlyTheManifestFilesThatExist() throws IOException {
        List<String> listed = Manifests.resourceFiles();
        assertThat(listed).doesNotHaveDuplicates();
        Set<String> present = new HashSet<>();
        try (Stream<Path> files = Files.list(base())) {
            files.filter(Files::isRegularFile).map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".yaml") || n.endsWith(".yml"))
                    .filter(n -> !n.equals("kustomization.yaml"))
                    .forEach(present::add);
        }
        assertThat(listed).as("kustomization.yaml resources vs the files in deploy/k8s/base")
                .containsExactlyInAnyOrderElementsOf(present);
        for (String file : listed) {
            assertThat(Manifests.documents(base().resolve(file))).as(file).isNotEmpty()
                    .allSatisfy(d -> assertThat(d).containsKeys("apiVersion", "kind", "metadata"));
        }
        assertThat(objects("Namespace")).extracting(n -> Manifests.path(n, "metadata", "name"))
                .containsExactly(kustomization().get("namespace"));
    }

    @Test
    void noSecretIsWrittenIntoAManifest() {
        assertThat(objects("Secret")).as("Secret objects in the resources (use the secretGenerator)").isEmpty();
        for (Map<String, Object> configMap : objects("ConfigMap")) {
            assertThat(map(configMap.get("data")).keySet()).as("ConfigMap %s", Manifests.path(configMap, "metadata", "name"))
                    .noneMatch(k -> SECRET_NAME.matcher(k).matches());
        }
        for (Map<String, Object> deployment : objects("Deployment")) {
            for (Map<String, Object> c : maps(Manifests.path(deployment, "spec", "template", "spec", "containers"))) {
                assertThat(maps(c.get("env"))).as("literal env of %s", c.get("name"))
                        .noneMatch(e -> SECRET_NAME.matcher(String.valueOf(e.get("name"))).matches()
                                && e.get("value") != null);
            }
        }
    }

    @Test
    void secretsComeOnlyFromGitIgnoredFilesWithCommittedPlaceholders() throws Exception {
        List<Map<String, Object>> generators = maps(kustomization().get("secretGenerator"));
        assertThat(generators).isNotEmpty();
        for (Map<String, Object> generator : generators) {
            assertThat(generator).as("secretGenerator %s", generator.get("name")).doesNotContainKey("literals");
            List<String> sources = new ArrayList<>(strings(generator.get("envs")));
            strings(generator.get("files")).forEach(f -> sources.add(f.replaceFirst("^[^=]+=", "")));
            assertThat(sources).as("secretGenerator %s sources", generator.get("name")).isNotEmpty();
            for (String source : sources) {
                assertThat(source).as("secretGenerator %s", generator.get("name")).startsWith("secrets/");
                Path file = base().resolve(source);
                String relative = repository().relativize(file).toString();
                assertThat(gitIgnores(relative)).as("%s is git-ignored", relative).isTrue();
                Path example = file.resolveSibling(file.getFileName() + ".example");
                assertThat(example).as("placeholder for %s", relative).isRegularFile();
                assertThat(gitIgnores(repository().relativize(example).toString()))
                        .as("%s is committed, not ignored", example.getFileName()).isFalse();
                assertThat(envFile(example).values()).as("%s holds placeholders only", example.getFileName())
                        .isNotEmpty().allMatch(v -> v.isEmpty() || v.equals("change-me"));
            }
        }
    }

    /** Each Dockerfile's build stage copies the whole repository: the secret files must stay out of the context. */
    @Test
    void secretFilesStayOutOfTheDockerBuildContext() throws IOException {
        List<String> patterns = Files.readAllLines(repository().resolve(".dockerignore")).stream().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertThat(patterns).as(".dockerignore").anyMatch(p -> p.matches("/?deploy/k8s/base/secrets(/|/\\*\\*?)?"));
        assertThat(patterns).as(".dockerignore re-includes nothing").noneMatch(p -> p.startsWith("!"));
    }

    @Test
    void eachServiceGetsTheSecretsItNeedsAndNoOther() {
        // docs/configuration.md, "Configuration": VERIMAIL_LINK_KEY registration + verification, VERIMAIL_SECRET_KEYS registration +
        // mailer (never verification), SendCloud's key only the mailer; every service its own database and Kafka
        // password, the migrator's password (Flyway) and the operator tokens
        Set<String> common = Set.of("SPRING_DATASOURCE_PASSWORD", "VERIMAIL_KAFKA_PASSWORD", "SPRING_FLYWAY_PASSWORD",
                "VERIMAIL_OPERATOR_TOKENS");
        Map<String, Set<String>> needed = Map.of(
                "registration-service", union(common, "VERIMAIL_LINK_KEY", "VERIMAIL_SECRET_KEYS"),
                "verification-service", union(common, "VERIMAIL_LINK_KEY"),
                "mailer-service", union(common, "VERIMAIL_SECRET_KEYS", "SENDCLOUD_API_USER", "SENDCLOUD_API_KEY",
                        "SENDCLOUD_WEBHOOK_KEY"));
        Map<String, Set<String>> keysBySecret = new HashMap<>();
        for (Map<String, Object> generator : maps(kustomization().get("secretGenerator"))) {
            Set<String> keys = new HashSet<>();
            for (String env : strings(generator.get("envs"))) {
                keys.addAll(envFile(base().resolve(env + ".example")).keySet());
            }
            keysBySecret.put((String) generator.get("name"), keys);
        }
        for (String service : Manifests.SERVICES) {
            Map<String, Object> container = container(object("Deployment", service).orElseThrow(), service);
            Set<String> got = new HashSet<>();
            for (String ref : secretRefs(container)) {
                assertThat(keysBySecret).as("%s refers to Secret %s: not generated", service, ref).containsKey(ref);
                got.addAll(keysBySecret.get(ref));
            }
            assertThat(got).as("secret variables of %s", service).containsExactlyInAnyOrderElementsOf(needed.get(service));
            assertThat(configEnvironment(container).keySet()).as("%s: a secret name set from a ConfigMap", service)
                    .doesNotContainAnyElementsOf(got);
        }
    }

    @Test
    void everyReferencedConfigMapExists() {
        for (String service : Manifests.SERVICES) {
            Map<String, Object> container = container(object("Deployment", service).orElseThrow(), service);
            // configEnvironment fails on a ConfigMap that is not in the kustomization
            assertThat(configEnvironment(container)).as(service).isNotEmpty();
        }
    }

    /** The base renders with {@code kubectl kustomize}, the secret files made from the examples (skipped without kubectl). */
    @Test
    void kustomizeRendersTheBase(@TempDir Path temp) throws Exception {
        assumeTrue(onPath("kubectl"), "kubectl is not installed");
        Path copy = temp.resolve("base");
        copyTree(base(), copy);
        try (Stream<Path> examples = Files.list(copy.resolve("secrets"))) {
            for (Path example : examples.filter(p -> p.toString().endsWith(".example")).toList()) {
                Files.copy(example, example.resolveSibling(example.getFileName().toString().replace(".example", "")),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Path out = temp.resolve("rendered.yaml");
        Process process = new ProcessBuilder("kubectl", "kustomize", copy.toString()).redirectErrorStream(false)
                .redirectOutput(out.toFile()).redirectError(temp.resolve("err.txt").toFile()).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(Files.readString(temp.resolve("err.txt"))).isZero();
        List<Map<String, Object>> rendered = Manifests.documents(out);
        Map<String, Integer> kinds = new LinkedHashMap<>();
        rendered.forEach(o -> kinds.merge((String) o.get("kind"), 1, Integer::sum));
        assertThat(kinds).containsEntry("Deployment", 3).containsEntry("Service", 3)
                .containsEntry("PodDisruptionBudget", 3).containsEntry("HorizontalPodAutoscaler", 3)
                .containsEntry("Secret", maps(kustomization().get("secretGenerator")).size());
        assertThat(rendered).filteredOn(o -> !"Namespace".equals(o.get("kind")))
                .allSatisfy(o -> assertThat(Manifests.path(o, "metadata", "namespace")).isEqualTo("verimail"));
        // the generated names carry a content hash, and the Deployments refer to those names
        Set<String> secretNames = new HashSet<>();
        rendered.stream().filter(o -> "Secret".equals(o.get("kind")))
                .forEach(o -> secretNames.add((String) Manifests.path(o, "metadata", "name")));
        for (Map<String, Object> d : rendered.stream().filter(o -> "Deployment".equals(o.get("kind"))).toList()) {
            for (Map<String, Object> c : maps(Manifests.path(d, "spec", "template", "spec", "containers"))) {
                assertThat(secretNames).containsAll(secretRefs(c));
            }
        }
    }

    // helpers

    private static Set<String> union(Set<String> base, String... more) {
        Set<String> all = new HashSet<>(base);
        all.addAll(List.of(more));
        return all;
    }

    /** KEY=value lines of an env file (comments and blank lines skipped). */
    static Map<String, String> envFile(Path file) {
        try {
            Map<String, String> entries = new LinkedHashMap<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String trimmed = line.strip();
                if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                    continue;
                }
                int eq = trimmed.indexOf('=');
                assertThat(eq).as("%s: %s", file.getFileName(), line).isPositive();
                entries.put(trimmed.substring(0, eq), trimmed.substring(eq + 1));
            }
            return entries;
        }
        catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** {@code git check-ignore}: git's own answer, not a reading of .gitignore. */
    private static boolean gitIgnores(String relativePath) throws Exception {
        assumeTrue(onPath("git") && Files.exists(repository().resolve(".git")), "not a git checkout");
        Process process = new ProcessBuilder("git", "-C", repository().toString(), "check-ignore", "-q", "--no-index",
                relativePath).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        int rc = process.exitValue();
        assertThat(rc).as("git check-ignore %s", relativePath).isIn(0, 1);
        return rc == 0;
    }

    private static boolean onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path source : all.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                }
                else if (!source.getParent().getFileName().toString().equals("secrets")
                        || source.toString().endsWith(".example")) {
                    // never copy real secret files: the render uses the placeholders
                    Files.copy(source, target);
                }
            }
        }
    }
}
