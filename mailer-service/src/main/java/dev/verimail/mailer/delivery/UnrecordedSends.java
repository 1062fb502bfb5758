package dev.verimail.mailer.delivery;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionException;

/**
 * Emails that went out while the database was down, so their SENT could not be written. They are kept here and
 * written every second until the database takes them, and until then this instance sends none of them again: a
 * re-drive that claims one (its lease ran out during the outage) skips it. Without this, every delivery sent as the
 * database went away was sent a second time once it came back. If this instance dies meanwhile, it is the same as a
 * crash mid-send: the re-drive sends it again after the lease.
 */
@Component
class UnrecordedSends {

    private static final Logger log = LoggerFactory.getLogger(UnrecordedSends.class);

    private final Claims claims;
    private final Map<UUID, Sent> waiting = new ConcurrentHashMap<>();

    UnrecordedSends(Claims claims) {
        this.claims = claims;
    }

    private record Sent(String messageId, int calls) {
    }

    void remember(UUID eventId, String messageId, int calls) {
        waiting.put(eventId, new Sent(messageId, calls));
        log.warn("Delivery {} was sent but the database cannot record it; recording it as SENT once the database "
                + "is back ({} waiting), and not sending it again", eventId, waiting.size());
    }

    boolean isWaiting(UUID eventId) {
        return waiting.containsKey(eventId);
    }

    @Scheduled(fixedDelayString = "${mailer.unrecorded-retry-interval:PT1S}")
    void record() {
        if (waiting.isEmpty()) {
            return;
        }
        int recorded = 0;
        try {
            for (Map.Entry<UUID, Sent> e : waiting.entrySet()) {
                claims.markSentAfterOutage(e.getKey(), e.getValue().messageId(), e.getValue().calls());
                waiting.remove(e.getKey());
                recorded++;
            }
        }
        catch (DataAccessException | TransactionException stillDown) {
            // the next run tries again
        }
        if (recorded > 0) {
            log.info("Recorded {} delivery(ies) as SENT that went out while the database was down", recorded);
        }
    }
}
