package dev.verimail.registration.user;

import java.time.Instant;

/**
 * A person who signed up, as stored in {@code users}. Immutable: changes go through {@link Users} in a transaction
 * together with the event that announces them.
 */
public final class User {

    private final long id;
    private final String name;
    private final String email;
    private final UserStatus status;
    private final Instant registeredAt;
    private final Instant verifiedAt;
    private final Instant lastChallengeAt;

    User(long id, String name, String email, UserStatus status, Instant registeredAt, Instant verifiedAt,
            Instant lastChallengeAt) {
        this.id = id;
        this.name = name;
        this.email = email;
        this.status = status;
        this.registeredAt = registeredAt;
        this.verifiedAt = verifiedAt;
        this.lastChallengeAt = lastChallengeAt;
    }

    /** The value of a user just inserted with {@code id}. */
    static User pending(long id, Signup signup, Instant now) {
        return new User(id, signup.name(), signup.email(), UserStatus.PENDING, now, null, now);
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

    /** Never the address or the name: logs and error messages may print a user. */
    @Override
    public String toString() {
        return "User[id=" + id + ", status=" + status + "]";
    }
}
