package dev.verimail.deploy;

import static dev.verimail.deploy.Manifests.applicationYml;
import static dev.verimail.deploy.Manifests.configEnvironment;
import static dev.verimail.deploy.Manifests.container;
import static dev.verimail.deploy.Manifests.integer;
import static dev.verimail.deploy.Manifests.object;
import static dev.verimail.deploy.Manifests.path;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * deploy/README.md's figures hold for the manifests: {@code max_connections} covers every pool at the HPA maximum
 * plus a rollout's surge, and the topics have a partition for every consumer thread at the HPA maximum.
 */
class SizingTests {

    private static String readme() throws Exception {
        return Files.readString(Manifests.repository().resolve("deploy/README.md"));
    }

    private static Map<String, Object> deployment(String service) {
        return object("Deployment", service).orElseThrow();
    }

    private static Map<String, String> env(String service) {
        return configEnvironment(container(deployment(service), service));
    }

    private static int hpaMax(String service) {
        return integer(path(object("HorizontalPodAutoscaler", service).orElseThrow(), "spec", "maxReplicas"),
                "maxReplicas");
    }

    private static int surge(String service) {
        Object surge = path(deployment(service), "spec", "strategy", "rollingUpdate", "maxSurge");
        assertThat(surge).as("%s maxSurge as a number (a percentage cannot be sized)", service).isInstanceOf(Integer.class);
        return (Integer) surge;
    }

    private static int listenerThreads(String service) {
        String configured = env(service).get("SPRING_KAFKA_LISTENER_CONCURRENCY");
        Object fromYml = path(applicationYml(service), "spring", "kafka", "listener", "concurrency");
        return configured != null ? Integer.parseInt(configured) : fromYml == null ? 1 : integer(fromYml, "concurrency");
    }

    /** The Hikari pool of one pod, as the service sizes it. */
    static int pool(String service) {
        Map<String, String> env = env(service);
        Object fromYml = path(applicationYml(service), "spring", "datasource", "hikari", "maximum-pool-size");
        Integer configured = env.containsKey("SPRING_DATASOURCE_HIKARI_MAXIMUM_POOL_SIZE")
                ? Integer.valueOf(env.get("SPRING_DATASOURCE_HIKARI_MAXIMUM_POOL_SIZE"))
                : fromYml == null ? null : integer(fromYml, "maximum-pool-size");
        if (service.equals("mailer-service")) {
            // mailer-service's config.ConnectionPoolSizing: listener threads + 2 + ceil(send concurrency / 8)
            int sends = Integer.parseInt(env.getOrDefault("MAILER_SEND_CONCURRENCY", "256"));
            int required = listenerThreads(service) + 2 + (sends + 7) / 8;
            return configured == null ? required : Math.max(configured, required);
        }
        assertThat(configured).as("%s: an explicit pool size (Hikari's default would be 10)", service).isNotNull();
        return configured;
    }

    @Test
    void mailerPoolIs37WithTheDefaults() {
        assertThat(pool("mailer-service")).isEqualTo(37);
    }

    @Test
    void maxConnectionsCoversEveryPoolAtTheHpaMaximumDuringARollout() throws Exception {
        int required = 0;
        for (String service : Manifests.SERVICES) {
            required += (hpaMax(service) + surge(service)) * pool(service);
        }
        Matcher stated = Pattern.compile("`max_connections = (\\d+)`").matcher(readme());
        assertThat(stated.find()).as("deploy/README.md states `max_connections = N`").isTrue();
        assertThat(Integer.parseInt(stated.group(1))).as("max_connections against the pools (%d)", required)
                .isGreaterThanOrEqualTo(required);
        assertThat(readme()).contains("151");
    }

    @Test
    void everyConsumerThreadAtTheHpaMaximumHasAPartition() throws Exception {
        Set<Integer> counts = new HashSet<>();
        for (String service : Manifests.SERVICES) {
            List<String> keys = env(service).keySet().stream().filter(k -> k.endsWith("_TOPICS_PARTITIONS")).toList();
            assertThat(keys).as("%s: the partition count it declares its topics with", service).hasSize(1);
            int partitions = Integer.parseInt(env(service).get(keys.get(0)));
            counts.add(partitions);
            assertThat(partitions).as("%s: %d pods x %d listener threads", service, hpaMax(service),
                    listenerThreads(service)).isGreaterThanOrEqualTo(hpaMax(service) * listenerThreads(service));
        }
        assertThat(counts).as("one partition count for all topics").hasSize(1);
        List<Integer> documented = new ArrayList<>();
        Matcher m = Pattern.compile("--partitions (\\d+)").matcher(readme());
        while (m.find()) {
            documented.add(Integer.parseInt(m.group(1)));
        }
        assertThat(documented).as("the topic creation commands in deploy/README.md").isNotEmpty()
                .containsOnly(counts.iterator().next());
        assertThat(readme()).contains("--replication-factor 3").contains("min.insync.replicas=2");
    }
}
