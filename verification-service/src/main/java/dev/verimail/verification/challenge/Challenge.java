package dev.verimail.verification.challenge;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * One link sent to a user: the token that names it, the hash of its authcode, and what became of it. The authcode
 * itself is never stored. Rows are inserted by {@link ChallengeBatchStore} (JDBC, ids from {@link ChallengeIds});
 * the confirm path reads a detached copy with JDBC ({@link Verifications#verify}); reads for the confirm page and
 * retention go through {@link ChallengeRepository}.
 */
@Entity
@Table(name = "challenge")
class Challenge {

    /** Assigned by the application (random, see {@link ChallengeIds}); rows from before kept their sequential ids. */
    @Id
    private long id;

    @Column(name = "event_id", nullable = false, length = 36)
    private String eventId;

    @Column(nullable = false, length = 256)
    private String token;

    @Column(name = "authcode_hash", nullable = false, columnDefinition = "binary(32)")
    private byte[] authcodeHash;

    @Column(name = "user_id", nullable = false)
    private long userId;

    @Column(nullable = false, length = 254)
    private String email;

    @Column(nullable = false, length = 100)
    private String name;

    @Column(name = "issued_at", nullable = false)
    private Instant issuedAt;

    @Column(name = "expires_at", nullable = false)
    private Instant expiresAt;

    @Column(name = "received_at", nullable = false)
    private Instant receivedAt;

    @Column(name = "superseded_at")
    private Instant supersededAt;

    @Column(name = "verified_at")
    private Instant verifiedAt;

    @Column(length = 55)
    private String traceparent;

    /** The sign-up's language ({@code en}, {@code zh-CN}); null for rows from before V3 or events without one. */
    @Column(length = 35)
    private String locale;

    /** A challenge of an address change: it verifies a user anew, for its (new) address. */
    @Column(name = "email_change", nullable = false)
    private boolean emailChange;

    protected Challenge() {
    }

    /** A detached copy of what the confirm path reads with JDBC; never persisted. */
    Challenge(long id, long userId, String email, String name, byte[] authcodeHash, Instant expiresAt,
            Instant supersededAt, String traceparent, String locale) {
        this.traceparent = traceparent;
        this.locale = locale;
        this.id = id;
        this.userId = userId;
        this.email = email;
        this.name = name;
        this.authcodeHash = authcodeHash;
        this.expiresAt = expiresAt;
        this.supersededAt = supersededAt;
    }

    /** This detached copy, with what the confirm path reads besides: the kind of challenge and whether it was used. */
    Challenge withUse(boolean emailChange, Instant verifiedAt) {
        this.emailChange = emailChange;
        this.verifiedAt = verifiedAt;
        return this;
    }

    /** Whether this is the challenge of an address change ({@code EmailChangeRequested}). */
    boolean emailChange() {
        return emailChange;
    }

    /** Whether this link verified its user. */
    boolean used() {
        return verifiedAt != null;
    }

    boolean authcodeMatches(String authcode) {
        return AuthcodeHash.matches(authcode, authcodeHash);
    }

    boolean isExpiredAt(Instant now) {
        return !expiresAt.isAfter(now);
    }

    boolean superseded() {
        return supersededAt != null;
    }

    /** The trace of the sign-up that sent this link; {@code null} with tracing off or for older rows. */
    String traceparent() {
        return traceparent;
    }

    /** The language the pages of this link speak unless asked otherwise; null: not known. */
    String locale() {
        return locale;
    }

    long id() {
        return id;
    }

    long userId() {
        return userId;
    }

    String email() {
        return email;
    }

    String name() {
        return name;
    }

    @Override
    public String toString() {
        return "Challenge[userId=" + userId + "]";
    }
}
