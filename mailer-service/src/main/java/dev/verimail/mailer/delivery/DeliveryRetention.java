package dev.verimail.mailer.delivery;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.domain.Limit;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import dev.verimail.events.registration.RegistrationExpired;
import dev.verimail.mailer.config.MailerProperties;

/**
 * What the mailer forgets, and when (see docs/operations.md, "Retention"):
 * <ul>
 * <li>the link (token and authcode) of a delivery as soon as it is final: the writes that make it SENT, or FAILED as
 * EXPIRED or SUPERSEDED, clear it in the same statement ({@link Claims}, {@link Deliveries}); a delivery that FAILED
 * for a permanent error keeps it until it expires, because the operator re-drive sends it again; here, every
 * {@code mailer.redrive.secret-sweep-interval} and every run, the links whose expiry has passed;</li>
 * <li>delivery rows {@code mailer.retention.deliveries} after they became final (and lost their link);</li>
 * <li>all deliveries of a user whose registration expired ({@link RegistrationExpired}).</li>
 * </ul>
 * Each batch (at most {@code mailer.retention.batch} rows) is selected, then changed by id in a short transaction
 * of its own that checks the condition again, so several instances may run it at once. Time is the service's
 * {@link Clock}.
 */
@Component
class DeliveryRetention {

    private static final Logger log = LoggerFactory.getLogger(DeliveryRetention.class);

    private final DeliveryRepository deliveries;
    private final Clock clock;
    private final MailerProperties.Retention retention;

    DeliveryRetention(DeliveryRepository deliveries, Clock clock, MailerProperties properties) {
        this.deliveries = deliveries;
        this.clock = clock;
        this.retention = properties.retention();
    }

    @Scheduled(fixedDelayString = "${mailer.retention.interval:PT5M}", initialDelayString = "${mailer.retention.interval:PT5M}")
    void run() {
        try {
            int links = clearExpiredLinks();
            Instant before = clock.instant().minus(retention.deliveries());
            int deleted = inBatches(() -> deliveries.finishedBefore(before, Limit.of(retention.batch())),
                    ids -> deliveries.deleteFinished(ids, before));
            if (links > 0 || deleted > 0) {
                log.info("Retention: cleared {} expired delivery links, deleted {} deliveries final for over {}",
                        links, deleted, retention.deliveries());
            }
        }
        catch (RuntimeException e) {
            log.warn("Delivery retention failed, trying again in {}: {}", retention.interval(), e.getMessage());
        }
    }

    /** More often than the rest: a link that can no longer be used should not wait for the next full run. */
    @Scheduled(fixedDelayString = "${mailer.redrive.secret-sweep-interval:PT10M}",
            initialDelayString = "${mailer.redrive.secret-sweep-interval:PT10M}")
    void sweepExpiredLinks() {
        try {
            int cleared = clearExpiredLinks();
            if (cleared > 0) {
                log.info("Retention: cleared {} expired delivery links", cleared);
            }
        }
        catch (RuntimeException e) {
            log.warn("Clearing expired links failed, trying again later: {}", e.getMessage());
        }
    }

    /**
     * Links whose expiry has passed: of deliveries FAILED for a permanent error (no re-drive may send them now), and
     * of open ones that are due (the re-drive gives them up as EXPIRED when it claims them).
     */
    int clearExpiredLinks() {
        Instant now = clock.instant();
        return inBatches(() -> deliveries.failedWithExpiredLink(FailureReason.PERMANENT, now, Limit.of(retention.batch())),
                ids -> deliveries.clearExpiredLinks(ids, now))
                + inBatches(() -> deliveries.dueWithExpiredLink(now, Limit.of(retention.batch())),
                        ids -> deliveries.clearExpiredLinks(ids, now));
    }

    /** The user's registration expired: every delivery of theirs goes. Returns how many. */
    int forget(List<RegistrationExpired> expired) {
        int deleted = 0;
        for (RegistrationExpired event : expired) {
            deleted += inBatches(() -> deliveries.idsOfUser(event.userId(), Limit.of(retention.batch())),
                    ids -> deliveries.deleteOfUser(ids, event.userId()));
        }
        if (deleted > 0) {
            log.info("Retention: deleted {} deliveries of {} expired registrations", deleted, expired.size());
        }
        return deleted;
    }

    /**
     * Selects a batch, applies {@code change} to it, until a batch comes back short. Stops too when a batch changed
     * nothing (another instance took it), so two instances never chase each other forever.
     */
    private int inBatches(Supplier<List<Long>> select, ToIntFunction<List<Long>> change) {
        int total = 0;
        while (!Thread.currentThread().isInterrupted()) {
            List<Long> ids = select.get();
            if (ids.isEmpty()) {
                break;
            }
            int changed = change.applyAsInt(ids);
            total += changed;
            if (ids.size() < retention.batch() || changed == 0) {
                break;
            }
        }
        return total;
    }
}
