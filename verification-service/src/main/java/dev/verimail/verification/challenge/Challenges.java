package dev.verimail.verification.challenge;

import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import dev.verimail.outbox.Traces;
import dev.verimail.events.registration.EmailChangeCancelled;
import dev.verimail.events.registration.RegistrationEvent;
import dev.verimail.events.registration.RegistrationExpired;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Keeps the challenges announced on {@code registration-events}.
 * <p>
 * Idempotent by {@code eventId} (unique in the table): a redelivered event changes nothing. The newest challenge of a
 * user, by the event's {@code occurredAt}, is the only one that works: a new one supersedes every older one, and one
 * that arrives after a newer one is stored already superseded, so a {@code VerificationReissued} wins even when it
 * arrives before its {@code UserRegistered}. All of it happens under the user's row lock, so two events of one user
 * never interleave.
 */
@Service
public class Challenges {

    private static final Logger log = LoggerFactory.getLogger(Challenges.class);

    private final ChallengeBatchStore batchStore;
    private final ChallengeRepository challengeRepository;
    private final UserVerificationRepository users;
    private final Clock clock;
    private final TransactionTemplate tx;
    private final Counter stored;
    private final Counter duplicates;

    Challenges(ChallengeBatchStore batchStore, ChallengeRepository challengeRepository, UserVerificationRepository users,
            Clock clock, PlatformTransactionManager transactions, MeterRegistry meters) {
        this.batchStore = batchStore;
        this.challengeRepository = challengeRepository;
        this.users = users;
        this.clock = clock;
        this.tx = new TransactionTemplate(transactions);
        // READ COMMITTED: no gap locks, so consumers storing challenges of different users never deadlock on the
        // range checks (a deadlock costs a rollback and a backoff of the whole partition). Correctness does not
        // need more: everything of one user happens under that user's row lock.
        this.tx.setIsolationLevel(TransactionDefinition.ISOLATION_READ_COMMITTED);
        this.stored = Counter.builder("verification.challenges.received").tag("outcome", "stored")
                .description("Challenges received on registration-events").register(meters);
        this.duplicates = Counter.builder("verification.challenges.received").tag("outcome", "duplicate")
                .description("Challenges received on registration-events").register(meters);
    }

    /**
     * Stores the challenge an event announces, unless this event was stored before.
     *
     * @return whether this call stored it
     * @throws IllegalArgumentException if the event lacks a field or has one out of range (the message names the
     *                                  field, never a value)
     */
    public boolean receive(RegistrationEvent event) {
        return receiveAll(List.of(event)) == 1;
    }

    /**
     * Stores the challenges of a batch of events in one transaction: one commit (one disk flush) per Kafka poll
     * instead of one per event, which is what lets a consumer keep up with thousands of sign-ups a second. Users are
     * locked in id order, so two consumers never wait on each other in a cycle.
     *
     * @return how many were new
     * @throws IllegalArgumentException if an event lacks a field or has one out of range; nothing is stored then
     */
    public int receiveAll(List<? extends RegistrationEvent> events) {
        return receiveAll(events, Map.of());
    }

    /**
     * As {@link #receiveAll(List)}; {@code traceparents}: the trace each event came in (by event id), kept with its
     * challenge so that the click's trace links to the sign-up's.
     */
    public int receiveAll(List<? extends RegistrationEvent> events, Map<UUID, String> traceparents) {
        if (events.isEmpty()) {
            return 0;
        }
        List<ChallengeData> batch = events.stream().map(e -> ChallengeData.of(e).tracedBy(traceparents.get(e.eventId())))
                .sorted(Comparator.comparingLong(ChallengeData::userId)).toList();
        List<ChallengeData> storedNow;
        try {
            Instant now = Instant.now(clock).truncatedTo(ChronoUnit.MICROS);
            storedNow = tx.execute(status -> batchStore.store(batch, now));
        }
        catch (DataIntegrityViolationException e) {
            String message = String.valueOf(e.getMostSpecificCause().getMessage());
            if (!message.contains("uk_challenge_event_id") && !message.contains("uk_challenge_token")) {
                throw e;
            }
            // another instance stored one of them concurrently (a rebalance): store one by one
            if (batch.size() == 1) {
                duplicates.increment();
                return 0;
            }
            int n = 0;
            for (ChallengeData data : batch) {
                n += receiveAll(List.of(eventOf(events, data)), traceparents);
            }
            return n;
        }
        storedNow = storedNow == null ? List.of() : storedNow;
        stored.increment(storedNow.size());
        duplicates.increment(batch.size() - storedNow.size());
        for (ChallengeData data : storedNow) {
            try (Traces.LogScope trace = Traces.inLogs(data.traceparent())) {
                log.info("Stored challenge of user {} from event {}", data.userId(), data.eventId());
            }
        }
        if (storedNow.size() < batch.size()) {
            log.debug("{} event(s) were received before; nothing changed for them", batch.size() - storedNow.size());
        }
        return storedNow.size();
    }

    /**
     * Forgets users whose registration expired ({@code RegistrationExpired}): their challenges and their row, in one
     * transaction, each user under their row lock (in id order). A user who verified meanwhile is kept: their row
     * answers "already verified", and their challenges go by retention.
     *
     * @return how many users were forgotten
     */
    public int forget(List<RegistrationExpired> expiries) {
        List<Long> userIds = expiries.stream().map(RegistrationExpired::userId).distinct().sorted().toList();
        if (userIds.isEmpty()) {
            return 0;
        }
        Integer forgotten = tx.execute(status -> {
            int n = 0;
            for (long userId : userIds) {
                if (users.lock(userId).filter(UserVerification::isVerified).isPresent()) {
                    log.info("Registration of user {} expired, but they verified: kept", userId);
                    continue;
                }
                int removed = challengeRepository.deleteByUser(userId);
                users.deleteUnverified(userId);
                log.info("Registration of user {} expired: {} challenge(s) deleted", userId, removed);
                n++;
            }
            return n;
        });
        return forgotten == null ? 0 : forgotten;
    }

    /**
     * Cancelled address changes ({@code EmailChangeCancelled}): each change's unused challenge is marked superseded
     * (its link answers "not valid"), under the user's row lock, in one transaction. A change already confirmed, or
     * not known here, is left as it is.
     *
     * @return how many challenges stopped working
     */
    public int cancel(List<EmailChangeCancelled> cancellations) {
        if (cancellations.isEmpty()) {
            return 0;
        }
        List<EmailChangeCancelled> ordered = cancellations.stream()
                .sorted(Comparator.comparingLong(EmailChangeCancelled::userId)).toList();
        Integer cancelled = tx.execute(status -> {
            Instant now = Instant.now(clock).truncatedTo(ChronoUnit.MICROS);
            int n = 0;
            for (EmailChangeCancelled cancellation : ordered) {
                users.lock(cancellation.userId());
                int changed = challengeRepository.cancelChange(cancellation.userId(), cancellation.token(), now);
                if (changed > 0) {
                    log.info("Address change of user {} cancelled: its link stops working (event {})",
                            cancellation.userId(), cancellation.eventId());
                }
                else {
                    log.info("Address change of user {} cancelled (event {}): no unused challenge of it here",
                            cancellation.userId(), cancellation.eventId());
                }
                n += changed;
            }
            return n;
        });
        return cancelled == null ? 0 : cancelled;
    }

    /**
     * Checks an event the way {@link #receiveAll} will, so a caller can find the one bad record of a batch.
     *
     * @throws IllegalArgumentException naming the missing or out-of-range field, never a value
     */
    public static void check(RegistrationEvent event) {
        ChallengeData.of(event);
    }

    private static RegistrationEvent eventOf(List<? extends RegistrationEvent> events, ChallengeData data) {
        return events.stream().filter(e -> e.eventId().toString().equals(data.eventId())).findFirst().orElseThrow();
    }
}
