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
}
