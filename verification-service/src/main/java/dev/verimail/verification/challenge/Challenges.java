package dev.verimail.verification.challenge;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.verimail.events.registration.RegistrationEvent;
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

    private final ChallengeRepository challenges;
    private final UserVerificationRepository users;
    private final Clock clock;
    private final TransactionTemplate tx;
    private final Counter stored;
    private final Counter duplicates;

    Challenges(ChallengeRepository challenges, UserVerificationRepository users, Clock clock,
            PlatformTransactionManager transactions, MeterRegistry meters) {
        this.challenges = challenges;
        this.users = users;
        this.clock = clock;
        this.tx = new TransactionTemplate(transactions);
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
        ChallengeData data = ChallengeData.of(event);
        boolean isNew;
        try {
            isNew = Boolean.TRUE.equals(tx.execute(status -> store(data)));
        }
        catch (DataIntegrityViolationException e) {
            String message = String.valueOf(e.getMostSpecificCause().getMessage());
            if (!message.contains("uk_challenge_event_id") && !message.contains("uk_challenge_token")) {
                throw e;
            }
            isNew = false;
        }
        if (isNew) {
            stored.increment();
            log.info("Stored challenge of user {} from {} {}", data.userId(), event.getClass().getSimpleName(),
                    data.eventId());
        }
        else {
            duplicates.increment();
            log.debug("Event {} was received before; nothing changed", data.eventId());
        }
        return isNew;
    }

    private boolean store(ChallengeData data) {
        users.ensureExists(data.userId());
        users.lock(data.userId());
        if (challenges.existsByEventId(data.eventId())) {
            return false;
        }
        if (challenges.existsByToken(data.token())) {
            log.warn("Event {} reuses the token of another challenge; ignored", data.eventId());
            return false;
        }
        Instant now = Instant.now(clock).truncatedTo(ChronoUnit.MICROS);
        int retired = challenges.supersedeOlder(data.userId(), data.issuedAt(), now);
        boolean newerExists = challenges.existsByUserIdAndIssuedAtAfter(data.userId(), data.issuedAt());
        challenges.save(Challenge.received(data, now, newerExists));
        if (retired > 0) {
            log.info("Challenge {} of user {} replaces {} older one(s)", data.eventId(), data.userId(), retired);
        }
        if (newerExists) {
            log.info("Challenge {} of user {} arrived after a newer one; stored as superseded", data.eventId(),
                    data.userId());
        }
        return true;
    }
}
