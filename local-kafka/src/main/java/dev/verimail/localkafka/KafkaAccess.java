package dev.verimail.localkafka;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Who may do what on verimail's Kafka: one SCRAM principal per service, and one per subscriber. This class is the
 * policy; {@link LocalKafka#grant(KafkaAccess)} applies it to a secured broker, and docker-compose.yml's
 * {@code kafka-setup} container applies the same ACLs with {@code kafka-acls.sh} (keep the two in step).
 * <p>
 * Everything not allowed here is denied (the broker runs with {@code allow.everyone.if.no.acl.found=false}); the
 * super user {@code admin} is the only one that may do anything else.
 *
 * <table>
 * <caption>The policy</caption>
 * <tr><th>principal</th><th>writes</th><th>reads (consumer group)</th></tr>
 * <tr><td>{@code registration}</td><td>{@code registration-events} (outbox relay), {@code verification-events}
 * (outbox relay: {@code EmailChanged} only, which consumers believe from no other principal's source),
 * {@code verification-events.DLT}</td>
 * <td>{@code verification-events} ({@code registration-email-verified}); {@code registration-events.DLT}
 * ({@code verimail-dead-letter-replay}, replay to {@code registration-events})</td></tr>
 * <tr><td>{@code mailer}</td><td>{@code verification-events} (outbox relay: {@code EmailUndeliverable} only, which
 * consumers believe from no other principal's source), {@code registration-events.DLT}</td>
 * <td>{@code registration-events} ({@code mailer-registration-events})</td></tr>
 * <tr><td>{@code verification}</td><td>{@code verification-events} (outbox relay), {@code registration-events.DLT}</td>
 * <td>{@code registration-events} ({@code verification-challenges}); {@code verification-events.DLT}
 * ({@code verimail-dead-letter-replay}, replay to {@code verification-events})</td></tr>
 * <tr><td>a subscriber, e.g. {@code subscriber}</td><td>nothing</td>
 * <td>{@code verification-events} (its own groups, {@code example-subscriber} for the example)</td></tr>
 * </table>
 * Each service may also create and describe the topics it declares at start-up (its {@code NewTopic} beans), so a
 * service that starts before the topics exist creates them as it does without ACLs. A dead-letter topic is replayed by
 * the service that owns the original topic (the only one allowed to write it): registration-events.DLT by
 * registration-service, verification-events.DLT by verification-service.
 */
public final class KafkaAccess {

    public static final String REGISTRATION_EVENTS = "registration-events";
    public static final String VERIFICATION_EVENTS = "verification-events";
    public static final String DLT = ".DLT";
    public static final String REPLAY_GROUP = "verimail-dead-letter-replay";

    public static final String ADMIN = "admin";
    public static final String REGISTRATION = "registration";
    public static final String MAILER = "mailer";
    public static final String VERIFICATION = "verification";
    /** The example subscriber's principal; every further subscriber gets one of its own ({@link #subscriber}). */
    public static final String SUBSCRIBER = "subscriber";
    public static final String SUBSCRIBER_GROUP = "example-subscriber";

    private final Map<String, List<AclBinding>> bindings = new LinkedHashMap<>();

    private KafkaAccess() {
    }

    /** verimail's services and the example subscriber ({@code subscriber}, group {@code example-subscriber}). */
    public static KafkaAccess verimail() {
        KafkaAccess access = new KafkaAccess();
        access.principal(REGISTRATION)
                .creates(REGISTRATION_EVENTS, VERIFICATION_EVENTS, VERIFICATION_EVENTS + DLT)
                .configures(REGISTRATION_EVENTS)
                .writes(REGISTRATION_EVENTS, VERIFICATION_EVENTS, VERIFICATION_EVENTS + DLT)
                .reads(VERIFICATION_EVENTS, "registration-email-verified")
                .reads(REGISTRATION_EVENTS + DLT, REPLAY_GROUP);
        access.principal(MAILER)
                .creates(REGISTRATION_EVENTS, REGISTRATION_EVENTS + DLT, VERIFICATION_EVENTS)
                .configures(REGISTRATION_EVENTS, REGISTRATION_EVENTS + DLT)
                .writes(VERIFICATION_EVENTS, REGISTRATION_EVENTS + DLT)
                .reads(REGISTRATION_EVENTS, "mailer-registration-events");
        access.principal(VERIFICATION)
                .creates(REGISTRATION_EVENTS, REGISTRATION_EVENTS + DLT, VERIFICATION_EVENTS)
                .configures(REGISTRATION_EVENTS, REGISTRATION_EVENTS + DLT)
                .writes(VERIFICATION_EVENTS, REGISTRATION_EVENTS + DLT)
                .reads(REGISTRATION_EVENTS, "verification-challenges")
                .reads(VERIFICATION_EVENTS + DLT, REPLAY_GROUP);
        return access.subscriber(SUBSCRIBER, SUBSCRIBER_GROUP);
    }

    /** Adds a subscriber of {@code verification-events}: it may read that topic in the consumer groups given. */
    public KafkaAccess subscriber(String principal, String... groups) {
        Principal p = principal(principal);
        for (String group : groups) {
            p.reads(VERIFICATION_EVENTS, group);
        }
        return this;
    }

    /** The principals this policy names (without the super user). */
    public List<String> principals() {
        return List.copyOf(bindings.keySet());
    }

    /** Every ACL of the policy, all of them ALLOW from any host. */
    public List<AclBinding> aclBindings() {
        List<AclBinding> all = new ArrayList<>();
        bindings.values().forEach(all::addAll);
        return Collections.unmodifiableList(all);
    }

    public List<AclBinding> aclBindings(String principal) {
        return List.copyOf(bindings.getOrDefault(principal, List.of()));
    }

    private Principal principal(String name) {
        return new Principal(bindings.computeIfAbsent(name, n -> new ArrayList<>()), "User:" + name);
    }

    private record Principal(List<AclBinding> acls, String user) {

        Principal creates(String... topics) {
            for (String topic : topics) {
                allow(ResourceType.TOPIC, topic, AclOperation.CREATE);
                allow(ResourceType.TOPIC, topic, AclOperation.DESCRIBE);
            }
            return this;
        }

        /**
         * The topics whose retention the service sets at start-up (the challenge topics, {@code
         * verimail.trust.registration-retention}, with {@code spring.kafka.admin.modify-topic-configs}): it reads and
         * corrects their configuration.
         */
        Principal configures(String... topics) {
            for (String topic : topics) {
                allow(ResourceType.TOPIC, topic, AclOperation.DESCRIBE_CONFIGS);
                allow(ResourceType.TOPIC, topic, AclOperation.ALTER_CONFIGS);
            }
            return this;
        }

        Principal writes(String... topics) {
            for (String topic : topics) {
                allow(ResourceType.TOPIC, topic, AclOperation.WRITE);
                allow(ResourceType.TOPIC, topic, AclOperation.DESCRIBE);
            }
            return this;
        }

        Principal reads(String topic, String group) {
            allow(ResourceType.TOPIC, topic, AclOperation.READ);
            allow(ResourceType.TOPIC, topic, AclOperation.DESCRIBE);
            allow(ResourceType.GROUP, group, AclOperation.READ);
            return this;
        }

        private void allow(ResourceType type, String name, AclOperation operation) {
            AclBinding binding = new AclBinding(new ResourcePattern(type, name, PatternType.LITERAL),
                    new AccessControlEntry(user, "*", operation, AclPermissionType.ALLOW));
            if (!acls.contains(binding)) {
                acls.add(binding);
            }
        }
    }
}
