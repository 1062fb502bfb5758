package dev.verimail.verification.challenge;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.verimail.events.verification.EmailVerified;
import dev.verimail.outbox.OutboxWriter;
import dev.verimail.verification.challenge.Outcome.Status;
import dev.verimail.verification.config.VerificationProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Checks links and verifies users.
 * <p>
 * A verification takes the user's row lock, then marks the challenge used with a conditional UPDATE and the user
 * verified, and appends {@code EmailVerified} to the outbox, all in one transaction. Concurrent clicks on one link,
 * or on two links of one user, queue on the lock: the first verifies, the others find the user verified and change
 * nothing, so there is one {@code EmailVerified} per user.
 */
@Service
public class Verifications {

    private static final Logger log = LoggerFactory.getLogger(Verifications.class);

    private final ChallengeRepository challenges;
    private final UserVerificationRepository users;
    private final OutboxWriter outbox;
    private final VerificationProperties properties;
    private final Clock clock;
    private final TransactionTemplate tx;
    private final TransactionTemplate readOnly;
    private final MeterRegistry meters;
    private final Counter succeeded;

    Verifications(ChallengeRepository challenges, UserVerificationRepository users, OutboxWriter outbox,
            VerificationProperties properties, Clock clock, PlatformTransactionManager transactions,
            MeterRegistry meters) {
        this.challenges = challenges;
        this.users = users;
        this.outbox = outbox;
        this.properties = properties;
        this.clock = clock;
        this.tx = new TransactionTemplate(transactions);
        this.readOnly = new TransactionTemplate(transactions);
        this.readOnly.setReadOnly(true);
        this.meters = meters;
        this.succeeded = Counter.builder("verification.verifications.succeeded")
                .description("Links that verified a user").register(meters);
    }

    /** What the link is, without changing anything: for the confirm page, which mail scanners may open. */
    public Outcome check(String token, String authcode) {
        return readOnly.execute(status -> {
            Optional<Challenge> found = authentic(token, authcode);
            if (found.isEmpty()) {
                return Outcome.notValid();
            }
            Challenge challenge = found.get();
            Optional<UserVerification> user = users.findById(challenge.getUserId()).filter(UserVerification::isVerified);
            if (user.isPresent()) {
                return rejected("already_verified", Outcome.verified(Status.ALREADY_VERIFIED, challenge,
                        user.get().getVerifiedEmail(), user.get().getVerifiedAt()));
            }
            if (challenge.isSuperseded()) {
                return rejected("superseded", Outcome.notValid());
            }
            if (challenge.isExpiredAt(now())) {
                return rejected("expired", Outcome.of(Status.EXPIRED, challenge));
            }
            return Outcome.of(Status.PENDING, challenge);
        });
    }

    /**
     * Verifies the user if the link is genuine, current and unexpired. Safe to call any number of times, also
     * concurrently: one call returns {@code VERIFIED}, later ones {@code ALREADY_VERIFIED} with the same time.
     */
    public Outcome verify(String token, String authcode) {
        Outcome outcome = tx.execute(status -> {
            Optional<Challenge> found = authentic(token, authcode);
            if (found.isEmpty()) {
                return Outcome.notValid();
            }
            Challenge challenge = found.get();
            long userId = challenge.getUserId();
            long challengeId = challenge.getId();
            // the user's row is created with its first challenge (ChallengeBatchStore), in the same transaction
            UserVerification user = users.lock(userId).orElseThrow();
            if (user.isVerified()) {
                return rejected("already_verified", Outcome.verified(Status.ALREADY_VERIFIED, challenge,
                        user.getVerifiedEmail(), user.getVerifiedAt()));
            }
            if (challenge.isSuperseded()) {
                return rejected("superseded", Outcome.notValid());
            }
            Instant now = now();
            if (challenge.isExpiredAt(now)) {
                return rejected("expired", Outcome.of(Status.EXPIRED, challenge));
            }
            if (challenges.markVerified(challengeId, now) != 1) {
                // superseded by an event committed after we read the challenge; we hold the lock now, so nothing
                // else can have used it
                return rejected("superseded", Outcome.notValid());
            }
            if (users.markVerified(userId, challengeId, challenge.getEmail(), now) != 1) {
                throw new IllegalStateException("user " + userId + " changed while locked");
            }
            outbox.append(properties.topics().verificationEvents(),
                    new EmailVerified(UUID.randomUUID(), now, userId, challenge.getEmail(), now));
            return Outcome.verified(Status.VERIFIED, challenge, challenge.getEmail(), now);
        });
        if (outcome.status() == Status.VERIFIED) {
            succeeded.increment();
            log.info("User {} verified their email", outcome.userId());
        }
        return outcome;
    }

    /**
     * The challenge named by the token, if the authcode is its own. Malformed input never reaches the database.
     * Every miss is counted with its reason; callers see only "not valid".
     */
    private Optional<Challenge> authentic(String token, String authcode) {
        if (!ChallengeData.isWellFormed(token) || !ChallengeData.isWellFormed(authcode)) {
            rejected("malformed", null);
            return Optional.empty();
        }
        Optional<Challenge> challenge = challenges.findByToken(token);
        if (challenge.isEmpty()) {
            rejected("unknown_token", null);
            return Optional.empty();
        }
        if (!challenge.get().authcodeMatches(authcode)) {
            rejected("wrong_authcode", null);
            return Optional.empty();
        }
        return challenge;
    }

    /** Counts a link that did not verify anyone: {@code verification.verifications.rejected{reason}}. */
    private Outcome rejected(String reason, Outcome outcome) {
        meters.counter("verification.verifications.rejected", "reason", reason).increment();
        return outcome;
    }

    private Instant now() {
        return Instant.now(clock).truncatedTo(ChronoUnit.MILLIS);
    }
}
