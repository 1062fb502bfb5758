package dev.verimail.mailer.inbox;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Conditional;
import org.springframework.data.domain.Limit;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import dev.verimail.mailer.config.MailerProperties;
import dev.verimail.mailer.config.Transport;

/**
 * Deletes inbox emails older than {@code mailer.retention.inbox} (a day by default): they hold live links. In
 * batches of {@code mailer.retention.batch}, each its own short transaction that checks the age again, so several
 * instances may run it at once.
 */
@Component
@Conditional(Transport.IsInbox.class)
class InboxRetention {

    private static final Logger log = LoggerFactory.getLogger(InboxRetention.class);

    private final InboxMessages messages;
    private final Clock clock;
    private final MailerProperties.Retention retention;

    InboxRetention(InboxMessages messages, Clock clock, MailerProperties properties) {
        this.messages = messages;
        this.clock = clock;
        this.retention = properties.retention();
    }

    @Scheduled(fixedDelayString = "${mailer.retention.interval:PT5M}", initialDelayString = "${mailer.retention.interval:PT5M}")
    void run() {
        try {
            Instant before = clock.instant().minus(retention.inbox());
            int deleted = 0;
            while (!Thread.currentThread().isInterrupted()) {
                List<Long> ids = messages.createdBefore(before, Limit.of(retention.batch()));
                int batch = ids.isEmpty() ? 0 : messages.deleteCreatedBefore(ids, before);
                deleted += batch;
                if (ids.size() < retention.batch() || batch == 0) {
                    break;
                }
            }
            if (deleted > 0) {
                log.info("Retention: deleted {} inbox emails older than {}", deleted, retention.inbox());
            }
        }
        catch (RuntimeException e) {
            log.warn("Inbox retention failed, trying again in {}: {}", retention.interval(), e.getMessage());
        }
    }
}
