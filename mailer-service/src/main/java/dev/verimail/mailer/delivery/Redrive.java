package dev.verimail.mailer.delivery;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import dev.verimail.mailer.config.MailerProperties;

/**
 * Sends again what is due: RETRYING deliveries whose next attempt has come, and PENDING ones whose lease or grace
 * period ran out (their instance crashed before or while sending). Safe with any number of instances: rows are
 * claimed with {@code FOR UPDATE SKIP LOCKED} and leased, so each due row goes to one of them at a time. Send slots
 * are taken first and only as many rows are claimed as slots were free, so a re-driven claim never waits.
 */
@Component
class Redrive {

    private static final Logger log = LoggerFactory.getLogger(Redrive.class);

    private final Claims claims;
    private final SendPool pool;
    private final Sender sender;
    private final int batchSize;

    Redrive(Claims claims, SendPool pool, Sender sender, MailerProperties properties) {
        this.claims = claims;
        this.pool = pool;
        this.sender = sender;
        this.batchSize = properties.redrive().batchSize();
    }

    @Scheduled(fixedDelayString = "${mailer.redrive.interval:PT5S}", initialDelayString = "${mailer.redrive.interval:PT5S}")
    void run() {
        try {
            // go on while anything was claimed: after an outage thousands are due at once, and waiting a whole
            // interval after each handful of free slots would hold them back for minutes
            while (!Thread.currentThread().isInterrupted() && redriveOnce() > 0) {
                Thread.onSpinWait();
            }
        }
        catch (RuntimeException e) {
            log.warn("Re-drive failed, trying again in a moment: {}", e.getMessage());
        }
    }

    /** Claims as many due deliveries as there are free slots (at most a batch) and starts them. Returns how many. */
    private int redriveOnce() {
        int reserved = pool.reserveWaiting(batchSize, java.time.Duration.ofSeconds(1));
        List<Claim> due = List.of();
        try {
            due = reserved == 0 ? List.of() : claims.claimDue(reserved);
            for (Claim claim : due) {
                reserved--;
                if (!pool.run(() -> sender.send(claim))) {
                    log.info("Shutting down; delivery {} is re-driven once its lease is over", claim.eventId());
                }
            }
        }
        finally {
            pool.release(reserved);
        }
        if (!due.isEmpty()) {
            log.debug("Re-driving {} deliveries", due.size());
        }
        return due.size();
    }
}
