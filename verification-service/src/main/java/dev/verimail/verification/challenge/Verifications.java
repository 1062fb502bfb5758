package dev.verimail.verification.challenge;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
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

    private final JdbcTemplate jdbc;
    private final OutboxWriter outbox;
    private final VerificationProperties properties;
    private final Clock clock;
    private final TransactionTemplate tx;
    private final TransactionTemplate readOnly;
    private final MeterRegistry meters;
    private final Counter succeeded;

    Verifications(JdbcTemplate jdbc, OutboxWriter outbox,
            VerificationProperties properties, Clock clock, PlatformTransactionManager transactions,
            MeterRegistry meters) {
        this.jdbc = jdbc;
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
            Verified verified = verifiedState(challenge.userId(), false);
            if (verified != null) {
                return rejected("already_verified", Outcome.verified(Status.ALREADY_VERIFIED, challenge,
                        verified.email(), verified.at()));
            }
            if (challenge.superseded()) {
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
     * <p>
     * Plain JDBC, five statements: read the challenge, lock the user, use the challenge, mark the user, append the
     * event. This is the service's hottest path; the JPA version spent more CPU in Hibernate than in everything
     * else (see BENCHMARKS.md).
     */
    public Outcome verify(String token, String authcode) {
        Outcome outcome = tx.execute(status -> {
            Optional<Challenge> found = authentic(token, authcode);
            if (found.isEmpty()) {
                return Outcome.notValid();
            }
            Challenge challenge = found.get();
            long userId = challenge.userId();
            // the user's row is created with its first challenge (ChallengeBatchStore), in the same transaction
            Verified verified = verifiedState(userId, true);
            if (verified != null) {
                return rejected("already_verified", Outcome.verified(Status.ALREADY_VERIFIED, challenge,
                        verified.email(), verified.at()));
            }
            if (challenge.superseded()) {
                return rejected("superseded", Outcome.notValid());
            }
            Instant now = now();
            if (challenge.isExpiredAt(now)) {
                return rejected("expired", Outcome.of(Status.EXPIRED, challenge));
            }
            int used = jdbc.update("""
                    UPDATE challenge SET verified_at = ?
                    WHERE id = ? AND verified_at IS NULL AND superseded_at IS NULL AND expires_at > ?""", ps -> {
                SqlTime.set(ps, 1, now);
                ps.setLong(2, challenge.id());
                SqlTime.set(ps, 3, now);
            });
            if (used != 1) {
                // superseded by an event committed after we read the challenge; we hold the lock now, so nothing
                // else can have used it
                return rejected("superseded", Outcome.notValid());
            }
            int marked = jdbc.update("""
                    UPDATE user_verification SET verified_at = ?, verified_email = ?, verified_challenge_id = ?
                    WHERE user_id = ? AND verified_at IS NULL""", ps -> {
                SqlTime.set(ps, 1, now);
                ps.setString(2, challenge.email());
                ps.setLong(3, challenge.id());
                ps.setLong(4, userId);
            });
            if (marked != 1) {
                throw new IllegalStateException("user " + userId + " changed while locked");
            }
            outbox.append(properties.topics().verificationEvents(),
                    new EmailVerified(UUID.randomUUID(), now, userId, challenge.email(), now));
            return Outcome.verified(Status.VERIFIED, challenge, challenge.email(), now);
        });
        if (outcome.status() == Status.VERIFIED) {
            succeeded.increment();
            log.info("User {} verified their email", outcome.userId());
        }
        return outcome;
    }

    /** When and with which address the user verified, or {@code null} if they have not (yet). */
    private Verified verifiedState(long userId, boolean lock) {
        List<Verified> rows = jdbc.query("SELECT verified_at, verified_email FROM user_verification WHERE user_id = ?"
                + (lock ? " FOR UPDATE" : ""), (rs, i) -> new Verified(SqlTime.get(rs, "verified_at"),
                        rs.getString("verified_email")), userId);
        if (lock && rows.isEmpty()) {
            throw new IllegalStateException("challenge of user " + userId + " has no user_verification row");
        }
        return rows.isEmpty() || rows.get(0).at() == null ? null : rows.get(0);
    }

    private record Verified(Instant at, String email) {
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
        List<Challenge> found = jdbc.query("""
                SELECT id, user_id, email, name, authcode_hash, expires_at, superseded_at
                FROM challenge WHERE token = ?""", (rs, i) -> new Challenge(rs.getLong("id"), rs.getLong("user_id"),
                        rs.getString("email"), rs.getString("name"), rs.getBytes("authcode_hash"),
                        SqlTime.get(rs, "expires_at"), rs.getTimestamp("superseded_at") != null), token);
        if (found.isEmpty()) {
            rejected("unknown_token", null);
            return Optional.empty();
        }
        if (!found.get(0).authcodeMatches(authcode)) {
            rejected("wrong_authcode", null);
            return Optional.empty();
        }
        return Optional.of(found.get(0));
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
