package dev.verimail.localkafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

/**
 * docker-compose's {@code docker/kafka/setup.sh} grants exactly the ACLs of {@link KafkaAccess#verimail()}: its
 * {@code creates}, {@code writes} and {@code reads} lines, read here as the script's helpers expand them. (The script
 * itself was run against Kafka 4.1's command-line tools once by hand; compose cannot run on the build machine.)
 */
class KafkaAccessComposeTests {

    @Test
    void setupScriptGrantsThePolicy() throws Exception {
        Path script = Path.of("..", "docker", "kafka", "setup.sh");
        Set<AclBinding> granted = new HashSet<>();
        for (String line : Files.readAllLines(script)) {
            List<String> words = Arrays.asList(line.trim().split("\\s+"));
            if (words.size() < 3 || words.get(0).endsWith("()")) {
                continue;
            }
            String principal = "User:" + words.get(1);
            List<String> args = words.subList(2, words.size());
            switch (words.get(0)) {
                case "creates" -> args.forEach(topic -> {
                    granted.add(allow(principal, ResourceType.TOPIC, topic, AclOperation.CREATE));
                    granted.add(allow(principal, ResourceType.TOPIC, topic, AclOperation.DESCRIBE));
                });
                case "configures" -> args.forEach(topic -> {
                    granted.add(allow(principal, ResourceType.TOPIC, topic, AclOperation.DESCRIBE_CONFIGS));
                    granted.add(allow(principal, ResourceType.TOPIC, topic, AclOperation.ALTER_CONFIGS));
                });
                case "writes" -> args.forEach(topic -> {
                    granted.add(allow(principal, ResourceType.TOPIC, topic, AclOperation.WRITE));
                    granted.add(allow(principal, ResourceType.TOPIC, topic, AclOperation.DESCRIBE));
                });
                case "reads" -> {
                    granted.add(allow(principal, ResourceType.TOPIC, args.get(0), AclOperation.READ));
                    granted.add(allow(principal, ResourceType.TOPIC, args.get(0), AclOperation.DESCRIBE));
                    granted.add(allow(principal, ResourceType.GROUP, args.get(1), AclOperation.READ));
                }
                default -> {
                }
            }
        }
        assertThat(granted).containsExactlyInAnyOrderElementsOf(KafkaAccess.verimail().aclBindings());
    }

    private static AclBinding allow(String principal, ResourceType type, String name, AclOperation operation) {
        return new AclBinding(new ResourcePattern(type, name, PatternType.LITERAL),
                new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW));
    }
}
