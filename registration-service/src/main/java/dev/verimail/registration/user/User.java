package dev.verimail.registration.user;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.DynamicUpdate;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import dev.verimail.events.verification.EmailUndeliverable;

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

    /** The eventId of the latest {@code UserRegistered} or {@code VerificationReissued}; null before V4. */
    @JdbcTypeCode(SqlTypes.CHAR)
    @Column(name = "challenge_event_id", length = 36)
    private UUID challengeEventId;

    @Column(name = "undeliverable_at")
    private Instant undeliverableAt;

    @Enumerated(EnumType.STRING)
    @Column(name = "undeliverable_reason", length = 16)
    private EmailUndeliverable.Reason undeliverableReason;

    @Column(name = "undeliverable_code")
    private Integer undeliverableCode;

    /** The language the person signed up in ({@code en}, {@code zh-CN}); null before V5. */
    @Column(length = 35)
    private String locale;

    protected User() {
    }

    /**
     * The value of a user just inserted with {@code id} (not managed by JPA); its challenge's event id is set by
     * {@link #challengeIssued} once the event exists.
     */
    static User pending(long id, Signup signup, Instant now) {
        User user = new User();
        user.id = id;
        user.name = signup.name();
        user.email = signup.email();
        user.emailKey = signup.emailKey();
        user.status = UserStatus.PENDING;
        user.registeredAt = now;
        user.lastChallengeAt = now;
        user.locale = signup.locale();
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

    /** The language of the user's emails and pages ({@code en}, {@code zh-CN}); null: not known, English. */
    public String getLocale() {
        return locale;
    }

    public UUID getChallengeEventId() {
        return challengeEventId;
    }

    /** When the provider reported the address unreachable; null unless UNDELIVERABLE. */
    public Instant getUndeliverableAt() {
        return undeliverableAt;
    }

    /** Why: null unless UNDELIVERABLE. */
    public EmailUndeliverable.Reason getUndeliverableReason() {
        return undeliverableReason;
    }

    /** The provider's sub-code (e.g. SendCloud's 406), when it gave one. */
    public Integer getUndeliverableCode() {
        return undeliverableCode;
    }

    /**
     * A new link was issued by the event {@code eventId}: a PENDING or UNDELIVERABLE user is PENDING again, and what
     * the provider said about the earlier link no longer counts.
     */
    void challengeIssued(Instant at, UUID eventId) {
        this.lastChallengeAt = at;
        this.challengeEventId = eventId;
        if (status == UserStatus.UNDELIVERABLE) {
            this.status = UserStatus.PENDING;
            this.undeliverableAt = null;
            this.undeliverableReason = null;
            this.undeliverableCode = null;
        }
    }

    /** Never the address or the name: logs and error messages may print a user. */
    @Override
    public String toString() {
        return "User[id=" + id + ", status=" + status + "]";
    }
}
