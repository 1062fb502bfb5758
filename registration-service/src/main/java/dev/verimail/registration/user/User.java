package dev.verimail.registration.user;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.DynamicUpdate;

/**
 * A person who signed up, as stored in {@code users}. The id is assigned by the application (random, see
 * {@link UserIds}); the sign-up insert itself is plain JDBC ({@link Users}), reads and the resend's update go through
 * {@link UserRepository}. Changes happen in a transaction together with the event that announces them.
 */
@Entity
@Table(name = "users")
@DynamicUpdate
public class User {

    @Id
    private Long id;

    @Column(nullable = false, length = 100)
    private String name;

    @Column(nullable = false, length = 254)
    private String email;

    @Column(name = "email_key", nullable = false, length = 254)
    private String emailKey;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 16)
    private UserStatus status;

    @Column(name = "registered_at", nullable = false)
    private Instant registeredAt;

    @Column(name = "verified_at")
    private Instant verifiedAt;

    @Column(name = "last_challenge_at", nullable = false)
    private Instant lastChallengeAt;

    protected User() {
    }

    /** The value of a user just inserted with {@code id} (not managed by JPA). */
    static User pending(long id, Signup signup, Instant now) {
        User user = new User();
        user.id = id;
        user.name = signup.name();
        user.email = signup.email();
        user.emailKey = signup.emailKey();
        user.status = UserStatus.PENDING;
        user.registeredAt = now;
        user.lastChallengeAt = now;
        return user;
    }

    public long getId() {
        return id;
    }

    public String getName() {
        return name;
    }

    public String getEmail() {
        return email;
    }

    public UserStatus getStatus() {
        return status;
    }

    public Instant getRegisteredAt() {
        return registeredAt;
    }

    public Instant getVerifiedAt() {
        return verifiedAt;
    }

    public Instant getLastChallengeAt() {
        return lastChallengeAt;
    }

    void challengeIssued(Instant at) {
        this.lastChallengeAt = at;
    }

    /** Never the address or the name: logs and error messages may print a user. */
    @Override
    public String toString() {
        return "User[id=" + id + ", status=" + status + "]";
    }
}
