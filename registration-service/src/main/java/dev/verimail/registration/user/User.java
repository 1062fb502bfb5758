package dev.verimail.registration.user;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

@Entity
@Table(name = "users")
public class User {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
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

    public Long getId() {
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
}
