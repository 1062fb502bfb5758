package dev.verimail.verification.challenge;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One link sent to a user: the token that names it, the hash of its authcode, and what became of it. */
@Entity
@Table(name = "challenge")
class Challenge {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

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

    protected Challenge() {
    }

    static Challenge received(ChallengeData data, Instant now, boolean supersededAlready) {
        Challenge challenge = new Challenge();
        challenge.eventId = data.eventId();
        challenge.token = data.token();
        challenge.authcodeHash = AuthcodeHash.of(data.authcode());
        challenge.userId = data.userId();
        challenge.email = data.email();
        challenge.name = data.name();
        challenge.issuedAt = data.issuedAt();
        challenge.expiresAt = data.expiresAt();
        challenge.receivedAt = now;
        challenge.supersededAt = supersededAlready ? now : null;
        return challenge;
    }

    boolean authcodeMatches(String authcode) {
        return AuthcodeHash.matches(authcode, authcodeHash);
    }

    boolean isSuperseded() {
        return supersededAt != null;
    }

    boolean isExpiredAt(Instant now) {
        return !expiresAt.isAfter(now);
    }

    Long getId() {
        return id;
    }

    long getUserId() {
        return userId;
    }

    String getEmail() {
        return email;
    }

    String getName() {
        return name;
    }
}
