package dev.verimail.mailer.sendcloud;

import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** Whether {@code sendcloud.api-user} and {@code sendcloud.api-key} are both set, which picks the transport. */
public final class SendCloudCredentials {

    private SendCloudCredentials() {
    }

    static boolean present(Environment env) {
        return !env.getProperty("sendcloud.api-user", "").isBlank() && !env.getProperty("sendcloud.api-key", "").isBlank();
    }

    /** Matches when mail goes to SendCloud. */
    public static final class Present implements Condition {

        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return present(context.getEnvironment());
        }
    }

    /** Matches when mail goes to the built-in inbox. */
    public static final class Absent implements Condition {

        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return !present(context.getEnvironment());
        }
    }
}
