package dev.verimail.verification.challenge;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A user with at least one challenge, and whether (and through which challenge) they verified. Every change to a
 * user's challenges locks this row first. Created and marked verified with JDBC on the hot paths; read and deleted
 * through {@link UserVerificationRepository}.
 */
@Entity
@Table(name = "user_verification")
class UserVerification {

    @Id
    @Column(name = "user_id")
    private long userId;

    @Column(name = "verified_at")
    private Instant verifiedAt;

    @Column(name = "verified_email", length = 254)
    private String verifiedEmail;

    @Column(name = "verified_challenge_id")
    private Long verifiedChallengeId;

    protected UserVerification() {
    }

    boolean isVerified() {
        return verifiedAt != null;
    }

    long userId() {
        return userId;
    }

    Instant verifiedAt() {
        return verifiedAt;
    }

    String verifiedEmail() {
        return verifiedEmail;
    }
}
