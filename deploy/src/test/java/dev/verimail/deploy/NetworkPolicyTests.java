package dev.verimail.deploy;

import static dev.verimail.deploy.Manifests.NAME_LABEL;
import static dev.verimail.deploy.Manifests.configEnvironment;
import static dev.verimail.deploy.Manifests.container;
import static dev.verimail.deploy.Manifests.managementPort;
import static dev.verimail.deploy.Manifests.map;
import static dev.verimail.deploy.Manifests.maps;
import static dev.verimail.deploy.Manifests.object;
import static dev.verimail.deploy.Manifests.objects;
import static dev.verimail.deploy.Manifests.path;
import static dev.verimail.deploy.Manifests.podLabels;
import static dev.verimail.deploy.Manifests.serverPort;
import static dev.verimail.deploy.Manifests.strings;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Default deny; DNS, Kafka, the database and the OTLP collector for every service; the internet (443) for the
 * mailer alone; public ports open, management ports only to the monitoring namespace.
 */
class NetworkPolicyTests {

    /** Addresses on the internet: a rule that reaches any of them is internet egress. */
    private static final List<String> PUBLIC_ADDRESSES = List.of("8.8.8.8", "1.1.1.1", "52.84.0.10", "203.0.113.7",
            "120.92.0.1");
    private static final String MONITORING = "monitoring";

    static Stream<String> services() {
        return Manifests.services();
    }

    private static List<Map<String, Object>> policies() {
        return objects("NetworkPolicy");
    }

    /** The policies whose podSelector selects these pod labels (matchLabels only; matchExpressions not used here). */
    private static List<Map<String, Object>> selecting(Map<String, Object> labels) {
        List<Map<String, Object>> result = new ArrayList<>();
        for (Map<String, Object> policy : policies()) {
            Map<String, Object> selector = map(path(policy, "spec", "podSelector"));
            assertThat(selector).doesNotContainKey("matchExpressions");
            if (labels.entrySet().containsAll(map(selector.get("matchLabels")).entrySet())) {
                result.add(policy);
            }
        }
        return result;
    }

    private static Map<String, Object> labelsOf(String service) {
        return podLabels(object("Deployment", service).orElseThrow());
    }

    @Test
    void everythingIsDeniedUnlessAllowed() {
        assertThat(policies()).as("a default-deny policy: every pod, both directions, no rule").anySatisfy(p -> {
            assertThat(map(path(p, "spec", "podSelector"))).isEmpty();
            assertThat(strings(path(p, "spec", "policyTypes"))).containsExactlyInAnyOrder("Ingress", "Egress");
            assertThat(map(p.get("spec"))).doesNotContainKeys("ingress", "egress");
        });
    }

    @Test
    void onlyTheMailerReachesTheInternetAndOnlyOn443() {
        int mailerRules = 0;
        for (Map<String, Object> policy : policies()) {
            for (Map<String, Object> rule : maps(path(policy, "spec", "egress"))) {
                if (!reachesInternet(rule)) {
                    continue;
                }
                String name = (String) path(policy, "metadata", "name");
                assertThat(map(path(policy, "spec", "podSelector", "matchLabels")))
                        .as("NetworkPolicy %s gives internet egress: only to the mailer", name)
                        .isEqualTo(Map.of(NAME_LABEL, "mailer-service"));
                assertThat(maps(rule.get("ports"))).as("NetworkPolicy %s: internet ports", name)
                        .containsExactly(Map.of("protocol", "TCP", "port", 443));
                mailerRules++;
            }
        }
        assertThat(mailerRules).as("the mailer's egress to SendCloud").isPositive();
        for (String service : List.of("registration-service", "verification-service")) {
            assertThat(selecting(labelsOf(service))).as(service)
                    .noneMatch(p -> maps(path(p, "spec", "egress")).stream().anyMatch(NetworkPolicyTests::reachesInternet));
        }
    }

    @ParameterizedTest
    @MethodSource("services")
    void eachServiceReachesDnsKafkaTheDatabaseAndTheCollector(String service) {
        Map<String, String> env = configEnvironment(container(object("Deployment", service).orElseThrow(), service));
        int kafkaPort = URI.create("kafka://" + env.get("SPRING_KAFKA_BOOTSTRAP_SERVERS").split(",")[0]).getPort();
        int databasePort = URI.create(env.get("SPRING_DATASOURCE_URL").substring("jdbc:".length())).getPort();
        int otlpPort = URI.create(env.get("VERIMAIL_OTLP_ENDPOINT")).getPort();
        List<Map<String, Object>> egress = selecting(labelsOf(service)).stream()
                .flatMap(p -> maps(path(p, "spec", "egress")).stream()).toList();
        for (Object[] expected : new Object[][] { { "UDP", 53 }, { "TCP", 53 }, { "TCP", kafkaPort },
                { "TCP", databasePort }, { "TCP", otlpPort } }) {
            assertThat(egress).as("%s egress %s %s", service, expected[0], expected[1])
                    .anySatisfy(rule -> assertThat(maps(rule.get("ports")))
                            .contains(Map.of("protocol", expected[0], "port", expected[1])));
        }
        assertThat(egress).as("%s: every egress rule names its ports", service)
                .allSatisfy(rule -> assertThat(maps(rule.get("ports"))).isNotEmpty());
    }

    @ParameterizedTest
    @MethodSource("services")
    void publicPortIsOpenAndManagementPortOnlyToMonitoring(String service) {
        int publicPort = serverPort(service);
        int management = managementPort(service);
        List<Map<String, Object>> ingress = selecting(labelsOf(service)).stream()
                .flatMap(p -> maps(path(p, "spec", "ingress")).stream()).toList();
        assertThat(ingress).as("%s: ingress to %d from anywhere", service, publicPort)
                .anySatisfy(rule -> {
                    assertThat(maps(rule.get("from"))).isEmpty();
                    assertThat(maps(rule.get("ports"))).contains(Map.of("protocol", "TCP", "port", publicPort));
                });
        List<Map<String, Object>> toManagement = ingress.stream()
                .filter(rule -> maps(rule.get("ports")).isEmpty()
                        || maps(rule.get("ports")).stream().anyMatch(p -> Integer.valueOf(management).equals(p.get("port"))))
                .toList();
        assertThat(toManagement).as("%s: ingress to the management port %d", service, management).isNotEmpty()
                .allSatisfy(rule -> assertThat(maps(rule.get("from"))).isNotEmpty().allSatisfy(peer -> {
                    assertThat(peer).containsOnlyKeys("namespaceSelector");
                    assertThat(map(path(peer, "namespaceSelector", "matchLabels")))
                            .isEqualTo(Map.of("kubernetes.io/metadata.name", MONITORING));
                }));
    }

    /** Any destination ({@code to} absent or empty) or an ipBlock that covers a public address. */
    static boolean reachesInternet(Map<String, Object> rule) {
        List<Map<String, Object>> to = maps(rule.get("to"));
        if (to.isEmpty()) {
            return true;
        }
        for (Map<String, Object> peer : to) {
            Map<String, Object> block = map(peer.get("ipBlock"));
            if (block.isEmpty()) {
                continue;
            }
            String cidr = (String) block.get("cidr");
            List<String> except = strings(block.get("except"));
            for (String address : PUBLIC_ADDRESSES) {
                if (Cidr.contains(cidr, address) && except.stream().noneMatch(e -> Cidr.contains(e, address))) {
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void cidrArithmetic() {
        assertThat(Cidr.contains("0.0.0.0/0", "8.8.8.8")).isTrue();
        assertThat(Cidr.contains("10.0.0.0/8", "8.8.8.8")).isFalse();
        assertThat(Cidr.contains("10.0.0.0/8", "10.255.1.2")).isTrue();
        assertThat(Cidr.contains("172.16.0.0/12", "172.31.255.255")).isTrue();
        assertThat(Cidr.contains("172.16.0.0/12", "172.32.0.0")).isFalse();
        assertThat(Cidr.contains("::/0", "8.8.8.8")).isFalse();
        assertThat(reachesInternet(Map.of("ports", List.of(Map.of("port", 443))))).isTrue();
        assertThat(reachesInternet(Map.of("to", List.of(Map.of("ipBlock", Map.of("cidr", "10.0.0.0/8")))))).isFalse();
        assertThat(reachesInternet(Map.of("to", List.of(Map.of("ipBlock", Map.of("cidr", "0.0.0.0/0",
                "except", List.of("0.0.0.0/1", "128.0.0.0/1")))))))
                .isFalse();
    }

    /** IPv4 CIDR membership; an IPv6 block never contains an IPv4 address. */
    static final class Cidr {

        static boolean contains(String cidr, String address) {
            String[] parts = cidr.split("/");
            if (parts[0].contains(":")) {
                return false;
            }
            int bits = Integer.parseInt(parts[1]);
            long mask = bits == 0 ? 0 : (0xFFFFFFFFL << (32 - bits)) & 0xFFFFFFFFL;
            return (ipv4(parts[0]) & mask) == (ipv4(address) & mask);
        }

        private static long ipv4(String address) {
            long value = 0;
            for (String octet : address.split("\\.")) {
                value = (value << 8) | Integer.parseInt(octet);
            }
            return value;
        }
    }
}
