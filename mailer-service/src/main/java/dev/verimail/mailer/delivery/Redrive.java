package dev.verimail.mailer.delivery;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import dev.verimail.mailer.config.MailerProperties;

/**
 * Sends again what is due: RETRYING deliveries whose next attempt has come, and PENDING ones whose lease ran out
 * (their instance crashed mid-send). Safe with any number of instances: rows are claimed with
 * {@code FOR UPDATE SKIP LOCKED} and leased, so each due row goes to exactly one of them.
 */
@Component
class Redrive {

    private static final Logger log = LoggerFactory.getLogger(Redrive.class);

    private final Deliveries deliveries;
    private final Dispatcher dispatcher;
    private final int batchSize;

    Redrive(Deliveries deliveries, Dispatcher dispatcher, MailerProperties properties) {
        this.deliveries = deliveries;
        this.dispatcher = dispatcher;
        this.batchSize = properties.redrive().batchSize();
    }

    @Scheduled(fixedDelayString = "${mailer.redrive.interval:PT5S}", initialDelayString = "${mailer.redrive.interval:PT5S}")
    void run() {
        try {
            while (true) {
                int room = Math.min(batchSize, dispatcher.freeSlots());
                if (room == 0) {
                    return;
                }
                List<Claim> due = deliveries.claimDue(room);
                if (!due.isEmpty()) {
                    log.debug("Re-driving {} deliveries", due.size());
                    dispatcher.dispatch(due);
                }
                if (due.size() < room || Thread.currentThread().isInterrupted()) {
                    return;
                }
            }
        }
        catch (RuntimeException e) {
            log.warn("Re-drive failed, trying again in a moment: {}", e.getMessage());
        }
    }

    /**
     * Deliveries that FAILED for a permanent error keep their link so that an operator can re-drive them once the
     * cause is fixed; once the link has expired nothing can send them, so the link goes.
     */
    @Scheduled(fixedDelayString = "${mailer.redrive.secret-sweep-interval:PT10M}",
            initialDelayString = "${mailer.redrive.secret-sweep-interval:PT10M}")
    void clearExpiredSecrets() {
        try {
            int cleared = deliveries.clearExpiredSecrets();
            if (cleared > 0) {
                log.info("Cleared the expired links of {} failed deliveries", cleared);
            }
        }
        catch (RuntimeException e) {
            log.warn("Clearing expired links failed, trying again later: {}", e.getMessage());
        }
    }
}
