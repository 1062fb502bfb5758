package dev.verimail.deploy;

import static dev.verimail.deploy.Manifests.NAME_LABEL;
import static dev.verimail.deploy.Manifests.applicationYml;
import static dev.verimail.deploy.Manifests.configEnvironment;
import static dev.verimail.deploy.Manifests.container;
import static dev.verimail.deploy.Manifests.integer;
import static dev.verimail.deploy.Manifests.managementPort;
import static dev.verimail.deploy.Manifests.map;
import static dev.verimail.deploy.Manifests.maps;
import static dev.verimail.deploy.Manifests.object;
import static dev.verimail.deploy.Manifests.path;
import static dev.verimail.deploy.Manifests.podLabels;
import static dev.verimail.deploy.Manifests.resolvePort;
import static dev.verimail.deploy.Manifests.serverPort;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each service has a Deployment, a Service, a PodDisruptionBudget and a HorizontalPodAutoscaler, and they agree with
 * the service's own {@code application.yml}: its ports, its probes, the address its actuator listens on, its database.
 */
class ServiceManifestTests {

    static Stream<String> services() {
        return Manifests.services();
    }

    private static Map<String, Object> deployment(String service) {
        return object("Deployment", service).orElseThrow(() -> new AssertionError("no Deployment " + service));
    }

    @ParameterizedTest
    @MethodSource("services")
    void deploymentRunsTheServiceImageWithItsPorts(String service) {
        Map<String, Object> container = container(deployment(service), service);
        String image = (String) container.get("image");
        assertThat(image).as("image of %s", service).matches(".+/" + service + "(:[^/]+)?");
        String imageName = image.replaceFirst(":[^/]+$", "");
        assertThat(Manifests.maps(Manifests.kustomization().get("images")))
                .as("kustomization.yaml images: an entry for %s", imageName)
                .anySatisfy(i -> assertThat(i.get("name")).isEqualTo(imageName));

        Map<String, Integer> ports = new java.util.HashMap<>();
        for (Map<String, Object> port : maps(container.get("ports"))) {
            ports.put((String) port.get("name"), integer(port.get("containerPort"), "containerPort"));
        }
        assertThat(ports).as("container ports of %s (application.yml server.port and management.server.port)", service)
                .containsExactlyInAnyOrderEntriesOf(Map.of("http", serverPort(service), "management",
                        managementPort(service)));
    }

    @ParameterizedTest
    @MethodSource("services")
    void probesAskTheActuatorOnTheManagementPort(String service) {
        Map<String, Object> yml = applicationYml(service);
        assertThat(path(yml, "management", "endpoint", "health", "probes", "enabled"))
                .as("%s application.yml management.endpoint.health.probes.enabled: the probe groups exist", service)
                .isEqualTo(Boolean.TRUE);
        assertThat(String.valueOf(path(yml, "management", "endpoints", "web", "exposure", "include")))
                .as("%s exposes health", service).contains("health");

        Map<String, Object> container = container(deployment(service), service);
        Map<String, String> expected = Map.of("livenessProbe", "/actuator/health/liveness", "readinessProbe",
                "/actuator/health/readiness", "startupProbe", "/actuator/health/liveness");
        expected.forEach((probe, path) -> {
            Map<String, Object> httpGet = map(path(map(container.get(probe)), "httpGet"));
            assertThat(httpGet.get("path")).as("%s %s path", service, probe).isEqualTo(path);
            assertThat(resolvePort(container, httpGet.get("port"))).as("%s %s port", service, probe)
                    .isEqualTo(managementPort(service)).isNotEqualTo(serverPort(service));
        });
    }

    @ParameterizedTest
    @MethodSource("services")
    void actuatorListensWhereTheKubeletAndPrometheusReachIt(String service) throws Exception {
        Object configured = path(applicationYml(service), "management", "server", "address");
        Map<String, String> env = configEnvironment(container(deployment(service), service));
        String effective = env.getOrDefault("MANAGEMENT_SERVER_ADDRESS", configured == null ? null : configured.toString());
        // null: Spring binds every address
        if (effective != null) {
            assertThat(InetAddress.getByName(effective).isLoopbackAddress())
                    .as("%s: the actuator on %s cannot answer probes on the pod IP (set MANAGEMENT_SERVER_ADDRESS)",
                            service, effective)
                    .isFalse();
        }
    }

    /**
     * Readiness decides Service membership: if it waited on Kafka (the {@code consumers} contributor), a broker outage
     * would take every pod out of its Service at once and the outbox's "sign-ups go on while Kafka is down" would end
     * at the ingress.
     */
    @ParameterizedTest
    @MethodSource("services")
    void readinessDoesNotWaitForKafkaOrTheDatabase(String service) {
        Object configured = path(applicationYml(service), "management", "endpoint", "health", "group", "readiness",
                "include");
        Map<String, String> env = configEnvironment(container(deployment(service), service));
        String fromYml = configured == null ? "readinessState"
                : configured instanceof List<?> list ? String.join(",", Manifests.strings(list)) : configured.toString();
        String effective = env.getOrDefault("MANAGEMENT_ENDPOINT_HEALTH_GROUP_READINESS_INCLUDE", fromYml);
        assertThat(List.of(effective.split(","))).as("%s readiness group", service)
                .extracting(String::strip).contains("readinessState").doesNotContain("consumers", "db", "kafka");
    }

    @ParameterizedTest
    @MethodSource("services")
    void environmentNamesTheServicesOwnDatabaseAndPrincipal(String service) {
        Map<String, String> env = configEnvironment(container(deployment(service), service));
        String defaultUrl = String.valueOf(path(applicationYml(service), "spring", "datasource", "url"));
        String database = defaultUrl.replaceFirst("\\?.*$", "").replaceFirst("^.*/", "");
        assertThat(env.get("SPRING_DATASOURCE_URL")).as("%s SPRING_DATASOURCE_URL", service)
                .matches("jdbc:(mysql|mariadb)://[^/]+/" + database + "(\\?.*)?");
        assertThat(env.get("SPRING_DATASOURCE_USERNAME")).as("%s database user", service).isEqualTo(database);
        assertThat(env.get("VERIMAIL_KAFKA_USERNAME")).as("%s Kafka principal", service).isEqualTo(database);
        assertThat(env).as("%s Kafka and Flyway settings", service)
                .containsKeys("SPRING_KAFKA_BOOTSTRAP_SERVERS", "SPRING_FLYWAY_USER", "VERIMAIL_OTLP_ENDPOINT");
    }

    @ParameterizedTest
    @MethodSource("services")
    void podRunsAsNonRootOnAReadOnlyFilesystemWithLimits(String service) {
        Map<String, Object> deployment = deployment(service);
        Map<String, Object> pod = map(path(deployment, "spec", "template", "spec"));
        Map<String, Object> container = container(deployment, service);
        assertThat(path(pod, "securityContext", "runAsNonRoot")).isEqualTo(Boolean.TRUE);
        assertThat(integer(path(pod, "securityContext", "runAsUser"), "runAsUser"))
                .as("%s: a numeric non-root uid (the image's USER is a name)", service).isPositive();
        Map<String, Object> security = map(container.get("securityContext"));
        assertThat(security.get("readOnlyRootFilesystem")).isEqualTo(Boolean.TRUE);
        assertThat(security.get("allowPrivilegeEscalation")).isEqualTo(Boolean.FALSE);
        assertThat(Manifests.strings(path(security, "capabilities", "drop"))).contains("ALL");

        // a read-only root needs a writable java.io.tmpdir (Tomcat's work directory)
        String tmpVolume = maps(container.get("volumeMounts")).stream().filter(m -> "/tmp".equals(m.get("mountPath")))
                .map(m -> (String) m.get("name")).findFirst()
                .orElseThrow(() -> new AssertionError(service + " mounts nothing on /tmp"));
        assertThat(maps(pod.get("volumes"))).anySatisfy(v -> {
            assertThat(v.get("name")).isEqualTo(tmpVolume);
            assertThat(v).containsKey("emptyDir");
        });

        for (String bound : List.of("requests", "limits")) {
            assertThat(map(path(container, "resources", bound))).as("%s resources.%s", service, bound)
                    .containsKeys("cpu", "memory");
        }
        assertThat(path(container, "resources", "limits", "memory"))
                .as("%s: memory request = limit (no overcommit of a JVM heap)", service)
                .isEqualTo(path(container, "resources", "requests", "memory"));
    }

    @ParameterizedTest
    @MethodSource("services")
    void serviceSelectsThePodsAndExposesItsPorts(String service) {
        Map<String, Object> deployment = deployment(service);
        Map<String, Object> container = container(deployment, service);
        Map<String, Object> svc = object("Service", service).orElseThrow(() -> new AssertionError("no Service " + service));
        Map<String, Object> selector = map(path(svc, "spec", "selector"));
        assertThat(selector).as("Service %s selector", service).isNotEmpty().containsEntry(NAME_LABEL, service);
        assertThat(podLabels(deployment)).containsAllEntriesOf(selector);
        assertThat(maps(path(svc, "spec", "ports"))).anySatisfy(p -> {
            assertThat(p.get("port")).isEqualTo(serverPort(service));
            assertThat(resolvePort(container, p.get("targetPort"))).isEqualTo(serverPort(service));
        });
        assertThat(map(path(deployment, "spec", "selector", "matchLabels"))).isEqualTo(Map.of(NAME_LABEL, service));
    }

    @ParameterizedTest
    @MethodSource("services")
    void autoscalerAndDisruptionBudgetLeaveRoomForADrain(String service) {
        Map<String, Object> deployment = deployment(service);
        Map<String, Object> hpa = object("HorizontalPodAutoscaler", service)
                .orElseThrow(() -> new AssertionError("no HorizontalPodAutoscaler " + service));
        assertThat(hpa.get("apiVersion")).isEqualTo("autoscaling/v2");
        assertThat(map(path(hpa, "spec", "scaleTargetRef"))).containsEntry("kind", "Deployment")
                .containsEntry("name", service);
        int min = integer(path(hpa, "spec", "minReplicas"), "minReplicas");
        int max = integer(path(hpa, "spec", "maxReplicas"), "maxReplicas");
        assertThat(min).as("%s minReplicas", service).isGreaterThanOrEqualTo(2);
        assertThat(max).as("%s maxReplicas", service).isGreaterThanOrEqualTo(min);
        assertThat(path(deployment, "spec", "replicas")).as("%s: the HPA owns the replica count", service).isNull();

        Map<String, Object> pdb = object("PodDisruptionBudget", service)
                .orElseThrow(() -> new AssertionError("no PodDisruptionBudget " + service));
        assertThat(pdb.get("apiVersion")).isEqualTo("policy/v1");
        assertThat(podLabels(deployment)).containsAllEntriesOf(map(path(pdb, "spec", "selector", "matchLabels")));
        assertThat(map(path(pdb, "spec", "selector", "matchLabels"))).isNotEmpty();
        int minAvailable = integer(path(pdb, "spec", "minAvailable"), "minAvailable");
        assertThat(minAvailable).as("%s PDB minAvailable: at least one pod up, and a node drain can still evict one",
                service).isBetween(1, min - 1);
    }
}
