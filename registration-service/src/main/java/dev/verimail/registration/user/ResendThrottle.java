package dev.verimail.registration.user;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.PostLoad;
import jakarta.persistence.PostPersist;
import jakarta.persistence.Table;
import jakarta.persistence.Transient;

import org.springframework.data.domain.Persistable;

/**
 * When a new link was last requested for an address ({@code resend_throttle}), registered or not. The key is the
 * address's {@link Signup#emailKey}; a new row is persisted, never merged, so two first requests for one address
 * collide on the primary key instead of both passing.
 */
@Entity
@Table(name = "resend_throttle")
class ResendThrottle implements Persistable<String> {

    @Id
    @Column(name = "email_key", length = 254)
    private String emailKey;

    @Column(name = "last_requested_at", nullable = false)
    private Instant lastRequestedAt;

    @Transient
    private boolean isNew;

    protected ResendThrottle() {
    }

    ResendThrottle(String emailKey, Instant requestedAt) {
        this.emailKey = emailKey;
        this.lastRequestedAt = requestedAt;
        this.isNew = true;
    }

    Instant lastRequestedAt() {
        return lastRequestedAt;
    }

    void requested(Instant at) {
        this.lastRequestedAt = at;
    }

    @Override
    public String getId() {
        return emailKey;
    }

    @Override
    public boolean isNew() {
        return isNew;
    }

    @PostLoad
    @PostPersist
    void stored() {
        isNew = false;
    }
}
