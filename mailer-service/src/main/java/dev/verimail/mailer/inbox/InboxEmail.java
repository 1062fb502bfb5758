package dev.verimail.mailer.inbox;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Locale;
import java.util.UUID;

import org.springframework.data.domain.Persistable;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.PostLoad;
import jakarta.persistence.PostPersist;
import jakarta.persistence.Table;
import jakarta.persistence.Transient;

/**
 * A row of {@code inbox_message}. Its id is shown at {@code /api/inbox}, so it is random (a positive 63-bit number
 * from {@link SecureRandom}), not the next of a sequence; being assigned here, it also lets Hibernate batch inserts.
 * Rows from before random ids keep theirs.
 */
@Entity
@Table(name = "inbox_message")
class InboxEmail implements Persistable<Long> {

    private static final SecureRandom RANDOM = new SecureRandom();

    @Id
    private Long id;

    @Column(name = "event_id", nullable = false, length = 36, columnDefinition = "char(36)")
    private String eventId;

    @Column(nullable = false, length = 254)
    private String recipient;

    @Column(name = "recipient_key", nullable = false, length = 254)
    private String recipientKey;

    @Column(nullable = false, length = 500)
    private String subject;

    @Column(nullable = false, length = 400)
    private String name;

    /** Null for a notice, which has no link. */
    @Column(length = 2000)
    private String link;

    @Column(name = "html_body", nullable = false, columnDefinition = "longtext")
    private String html;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Transient
    private boolean isNew;

    protected InboxEmail() {
    }

    InboxEmail(UUID eventId, String to, String subject, String name, String link, String html, Instant at) {
        this.id = randomId();
        this.eventId = eventId.toString();
        this.recipient = to;
        this.recipientKey = to.toLowerCase(Locale.ROOT);
        this.subject = subject;
        this.name = name;
        this.link = link;
        this.html = html;
        this.createdAt = at;
        this.isNew = true;
    }

    static long randomId() {
        long id;
        do {
            id = RANDOM.nextLong() & Long.MAX_VALUE;
        }
        while (id == 0);
        return id;
    }

    @Override
    public Long getId() {
        return id;
    }

    /** Persisted with one INSERT, no SELECT first: the id is assigned before. */
    @Override
    public boolean isNew() {
        return isNew;
    }

    @PostPersist
    @PostLoad
    void stored() {
        isNew = false;
    }

    InboxMessage view() {
        return new InboxMessage(id, UUID.fromString(eventId), recipient, subject, name, link, html, createdAt);
    }

    @Override
    public String toString() {
        return "InboxEmail[id=" + id + ", eventId=" + eventId + "]";
    }
}
