package dev.verimail.verification.challenge;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.verimail.events.verification.EmailVerified;
import dev.verimail.outbox.OutboxWriter;
import dev.verimail.outbox.Traces;
import dev.verimail.verification.challenge.Outcome.Status;
import dev.verimail.verification.config.CodeLimit;
import dev.verimail.verification.config.VerificationProperties;
import dev.verimail.web.link.SignedTokens;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;

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
    private final ChallengeRepository challengeRepository;
    private final UserVerificationRepository users;
    private final OutboxWriter outbox;
    private final VerificationProperties properties;
    private final Clock clock;
    private final TransactionTemplate tx;
    private final TransactionTemplate readOnly;
    private final MeterRegistry meters;
    private final Counter succeeded;
    private final Counter reannounced;
    private final SignedTokens tokens;
    private final Traces traces;
    private final CodeAttempts codeAttempts;

    Verifications(JdbcTemplate jdbc, ChallengeRepository challengeRepository, UserVerificationRepository users,
            OutboxWriter outbox,
            VerificationProperties properties, Clock clock, PlatformTransactionManager transactions,
            MeterRegistry meters, SignedTokens tokens, Traces traces, CodeAttempts codeAttempts) {
        this.traces = traces;
        this.codeAttempts = codeAttempts;
        this.jdbc = jdbc;
        this.challengeRepository = challengeRepository;
        this.users = users;
        this.tokens = tokens;
        this.outbox = outbox;
        this.properties = properties;
        this.clock = clock;
        this.tx = new TransactionTemplate(transactions);
        this.readOnly = new TransactionTemplate(transactions);
        this.readOnly.setReadOnly(true);
        this.meters = meters;
        this.succeeded = Counter.builder("verification.verifications.succeeded")
                .description("Links that verified a user").register(meters);
        this.reannounced = Counter.builder("verification.reannounced")
                .description("EmailVerified announced again because a verified user confirmed again").register(meters);
    }

    /** What the link is, without changing anything: for the confirm page, which mail scanners may open. */
    public Outcome check(String token, String authcode) {
        return readOnly.execute(status -> {
            Lookup lookup = authentic(token, authcode, false);
            if (lookup.miss() != null) {
                return lookup.miss();
            }
            Challenge challenge = lookup.challenge();
            // an address change's link verifies a verified user anew, until it is used
            Verified verified = challenge.emailChange() && !challenge.used() ? null
                    : users.findById(challenge.userId()).filter(UserVerification::isVerified)
                            .map(u -> new Verified(u.verifiedAt(), u.verifiedEmail())).orElse(null);
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
     * A confirm of a user who verified more than {@code verification.reannounce-after} ago announces
     * {@code EmailVerified} again, the same event with the same {@code eventId}: if the first announcement was
     * lost on its way (dead-lettered, a topic restored from an old backup), the person clicking again heals it,
     * and subscribers that saw the first one drop the copy by its {@code eventId}.
     * <p>
     * Plain JDBC on purpose, five statements: read the challenge, lock the user, use the challenge, mark the user, append the
     * event. This is the service's hottest path; the JPA version spent more CPU in Hibernate than in everything
     * else (see BENCHMARKS.md).
     */
    public Outcome verify(String token, String authcode) {
        // JDBC on purpose: the service's hottest path; Hibernate was most of its CPU, see BENCHMARKS.md
        Outcome outcome = tx.execute(status -> {
            Lookup lookup = authentic(token, authcode, true);
            if (lookup.miss() != null) {
                return lookup.miss();
            }
            // the click has a trace of its own (its request's), linked to the sign-up's: a span of it that links the
            // two, current while the event is appended, so that EmailVerified continues the click's trace
            Span span = traces.startLinked("verification confirm", lookup.challenge().traceparent());
            try (Tracer.SpanInScope scope = traces.tracer().withSpan(span)) {
                return use(lookup.challenge());
            }
            finally {
                span.end();
            }
        });
        if (outcome.status() == Status.VERIFIED) {
            succeeded.increment();
            log.info("User {} verified their email", outcome.userId());
        }
        return outcome;
    }

    /**
     * Verifies the user by the 6-digit code of their email: as {@link #verify}, with the same answers, once the code
     * is found to be right. The challenge is the newest one for the address (trimmed, any case); a code dies with
     * its link (used, expired, replaced). A wrong code counts against the challenge, at most
     * {@value CodeAttempts#MAX_FAILURES} times, the last of which locks it, and against the client ({@code client},
     * its address). An address with no code counts as a known one with a wrong code, so the answers never tell
     * whether it exists.
     *
     * @param code six digits (the caller checks the form)
     * @throws CodeRefusedException locked, or the client used up its wrong codes (after the try was counted)
     */
    public Outcome verifyCode(String email, String code, String client) {
        Instant now = now();
        CodeLimit perClient = properties.limits().codePerClientLimit();
        CodeTry result = tx.execute(status -> {
            if (!perClient.isOff()) {
                Duration wait = codeAttempts.clientBlocked(client, perClient.count(), now);
                if (wait != null) {
                    return new CodeTry(null, new CodeRefusedException(CodeRefusedException.Reason.RATE_LIMITED, wait));
                }
            }
            byte[] emailKey = CodeAttempts.emailKey(email);
            CodeChallenge found = codeChallenge(emailKey);
            boolean right = found != null && tokens.codeMatches(found.token(), code, found.codeHash());
            if (found != null && right) {
                // the user's lock first (as every writer takes it), then the challenge's: a lock by a concurrent
                // 5th wrong code that committed before is seen
                verifiedState(found.challenge().userId(), true);
                if (codeAttempts.challengeLocked(found.challenge().id())) {
                    return new CodeTry(null, locked());
                }
                Span span = traces.startLinked("verification confirm", found.challenge().traceparent());
                try (Tracer.SpanInScope scope = traces.tracer().withSpan(span)) {
                    return new CodeTry(use(found.challenge()), null);
                }
                finally {
                    span.end();
                }
            }
            boolean lockedNow;
            if (found != null) {
                lockedNow = found.failures() >= CodeAttempts.MAX_FAILURES
                        || codeAttempts.challengeFailed(found.challenge().id(), now);
            }
            else {
                lockedNow = codeAttempts.addressLocked(emailKey, now)
                        || codeAttempts.addressFailed(emailKey, now, properties.code().unknownAddressWindow());
            }
            if (!perClient.isOff()) {
                codeAttempts.clientFailed(client, now, perClient.period());
            }
            return lockedNow ? new CodeTry(null, locked()) : new CodeTry(rejected("wrong_code", Outcome.notValid()), null);
        });
        if (result.refused() != null) {
            meters.counter("verification.verifications.rejected", "reason",
                    result.refused().reason() == CodeRefusedException.Reason.LOCKED ? "code_locked" : "code_rate_limited")
                    .increment();
            throw result.refused();
        }
        if (result.outcome().status() == Status.VERIFIED) {
            succeeded.increment();
            log.info("User {} verified their email with the code", result.outcome().userId());
        }
        return result.outcome();
    }

    private static CodeRefusedException locked() {
        return new CodeRefusedException(CodeRefusedException.Reason.LOCKED, null);
    }

    /** The newest challenge with a code for an address, or {@code null}. */
    private CodeChallenge codeChallenge(byte[] emailKey) {
        List<CodeChallenge> found = jdbc.query("""
                SELECT id, user_id, email, name, authcode_hash, expires_at, superseded_at, traceparent, locale, token,
                       code_hash, code_failures, email_change, verified_at
                FROM challenge WHERE email_key = ? ORDER BY issued_at DESC, id DESC LIMIT 1""",
                (rs, i) -> new CodeChallenge(new Challenge(rs.getLong("id"), rs.getLong("user_id"),
                        rs.getString("email"), rs.getString("name"), rs.getBytes("authcode_hash"),
                        SqlTime.get(rs, "expires_at"), SqlTime.get(rs, "superseded_at"), rs.getString("traceparent"),
                        rs.getString("locale")).withUse(rs.getBoolean("email_change"), SqlTime.get(rs, "verified_at")),
                        rs.getString("token"), rs.getString("code_hash"), rs.getInt("code_failures")),
                (Object) emailKey);
        return found.isEmpty() || found.get(0).codeHash() == null ? null : found.get(0);
    }

    private record CodeChallenge(Challenge challenge, String token, String codeHash, int failures) {
    }

    /** What a code try came to: an outcome, or a refusal to throw once its transaction committed. */
    private record CodeTry(Outcome outcome, CodeRefusedException refused) {
    }

    /** {@link #verify}, once the link is known to be genuine: in its transaction. */
    private Outcome use(Challenge challenge) {
        long userId = challenge.userId();
        Instant now = now();
        // the user's row is created with its first challenge (ChallengeBatchStore), in the same transaction
        Verified verified = verifiedState(userId, true);
        // an address change's link verifies a verified user anew (for the new address), once
        if (verified != null && (!challenge.emailChange() || challenge.used())) {
            if (verified.at().plus(properties.reannounceAfter()).isBefore(now)) {
                outbox.append(properties.topics().verificationEvents(), announcement(userId, verified.email(),
                        verified.at()));
                reannounced.increment();
                log.info("User {} confirmed again; EmailVerified announced again", userId);
            }
            return rejected("already_verified", Outcome.verified(Status.ALREADY_VERIFIED, challenge,
                    verified.email(), verified.at()));
        }
        if (challenge.superseded()) {
            return rejected("superseded", Outcome.notValid());
        }
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
            Verified concurrent = challenge.emailChange() ? usedBy(challenge, userId) : null;
            if (concurrent != null) {
                // a concurrent click on the same change link used it while we waited for the lock
                return rejected("already_verified", Outcome.verified(Status.ALREADY_VERIFIED, challenge,
                        concurrent.email(), concurrent.at()));
            }
            // superseded by an event committed after we read the challenge; we hold the lock now, so nothing
            // else can have used it
            return rejected("superseded", Outcome.notValid());
        }
        int marked = jdbc.update("""
                UPDATE user_verification SET verified_at = ?, verified_email = ?, verified_challenge_id = ?
                WHERE user_id = ?""" + (challenge.emailChange() ? "" : " AND verified_at IS NULL"), ps -> {
            SqlTime.set(ps, 1, now);
            ps.setString(2, challenge.email());
            ps.setLong(3, challenge.id());
            ps.setLong(4, userId);
        });
        if (marked != 1) {
            throw new IllegalStateException("user " + userId + " changed while locked");
        }
        outbox.append(properties.topics().verificationEvents(), announcement(userId, challenge.email(), now));
        return Outcome.verified(Status.VERIFIED, challenge, challenge.email(), now);
    }

    /**
     * The one {@code EmailVerified} of a verification. Its {@code eventId} is derived from the user and the time
     * (a name-based UUID), so every announcement of the same verification is the same event.
     */
    static EmailVerified announcement(long userId, String email, Instant verifiedAt) {
        UUID eventId = UUID.nameUUIDFromBytes(("EmailVerified:" + userId + ":" + verifiedAt)
                .getBytes(StandardCharsets.UTF_8));
        return new EmailVerified(eventId, verifiedAt, userId, email, verifiedAt);
    }

    /** The user's verification, if this change challenge was used (by a concurrent click); else {@code null}. */
    private Verified usedBy(Challenge challenge, long userId) {
        List<Instant> usedAt = jdbc.query("SELECT verified_at FROM challenge WHERE id = ?",
                (rs, i) -> SqlTime.get(rs, "verified_at"), challenge.id());
        return usedAt.isEmpty() || usedAt.get(0) == null ? null : verifiedState(userId, false);
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

    /** The challenge of a link, or why there is none to use ({@code miss}). */
    private record Lookup(Challenge challenge, Outcome miss) {
    }

    /**
     * The challenge named by the token, if the authcode is its own. Malformed input never reaches the database.
     * A token with no stored challenge is judged by its signature: genuine and current means the challenge is
     * still on its way ({@code NOT_READY}), genuine and past its expiry {@code EXPIRED}, anything else not valid.
     * Every miss is counted with its reason.
     */
    private Lookup authentic(String token, String authcode, boolean jdbcRead) {
        if (!ChallengeData.isWellFormed(token) || !ChallengeData.isWellFormed(authcode)) {
            return new Lookup(null, rejected("malformed", Outcome.notValid()));
        }
        List<Challenge> found = jdbcRead ? jdbc.query("""
                SELECT id, user_id, email, name, authcode_hash, expires_at, superseded_at, traceparent, locale,
                       email_change, verified_at
                FROM challenge WHERE token = ?""", (rs, i) -> new Challenge(rs.getLong("id"), rs.getLong("user_id"),
                        rs.getString("email"), rs.getString("name"), rs.getBytes("authcode_hash"),
                        SqlTime.get(rs, "expires_at"), SqlTime.get(rs, "superseded_at"), rs.getString("traceparent"),
                        rs.getString("locale"))
                        .withUse(rs.getBoolean("email_change"), SqlTime.get(rs, "verified_at")),
                        token)
                : challengeRepository.findByToken(token).stream().toList();
        if (found.isEmpty()) {
            return new Lookup(null, switch (tokens.check(token, now())) {
                case GENUINE -> rejected("not_ready", Outcome.notReady());
                case EXPIRED -> rejected("expired", Outcome.expiredUnknown());
                case NOT_OURS -> rejected("unknown_token", Outcome.notValid());
            });
        }
        if (!found.get(0).authcodeMatches(authcode)) {
            return new Lookup(null, rejected("wrong_authcode", Outcome.notValid()));
        }
        return new Lookup(found.get(0), null);
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
