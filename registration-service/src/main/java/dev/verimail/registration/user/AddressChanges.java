package dev.verimail.registration.user;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.verimail.events.registration.EmailChangeCancelled;
import dev.verimail.events.registration.EmailChangeRequested;
import dev.verimail.events.verification.EmailChanged;
import dev.verimail.events.verification.EmailVerified;
import dev.verimail.outbox.OutboxWriter;
import dev.verimail.registration.config.RegistrationProperties;

/**
 * A verified user's move to a new address (DESIGN.md, issue 14): an operator starts it, the new address gets a link
 * ({@code EmailChangeRequested}, a challenge like a sign-up's) and the old one a notice; the user stays VERIFIED on
 * the old address until the new one is confirmed. Then {@code EmailVerified} for the new address arrives and the user
 * is moved, with an {@code EmailChanged} on {@code verification-events}. Each step and its event are one
 * transaction. A pending change holds its address as a user does: nobody else may sign up with it or change to it.
 */
@Service
public class AddressChanges {

    private static final Logger log = LoggerFactory.getLogger(AddressChanges.class);

    private final UserRepository users;
    private final EmailChanges changes;
    private final ChallengeIssuer challenges;
    private final OutboxWriter outbox;
    private final RegistrationProperties properties;
    private final Clock clock;
    private final TransactionTemplate tx;

    AddressChanges(UserRepository users, EmailChanges changes, ChallengeIssuer challenges, OutboxWriter outbox,
            RegistrationProperties properties, Clock clock, PlatformTransactionManager transactions) {
        this.users = users;
        this.changes = changes;
        this.challenges = challenges;
        this.outbox = outbox;
        this.properties = properties;
        this.clock = clock;
        this.tx = new TransactionTemplate(transactions);
    }

    /** A user and their pending change, if any. */
    public record Registration(User user, EmailChange pending) {
    }

    /** The user, with their pending change if there is one that has not expired. */
    public Registration find(long id) {
        User user = users.findById(id).orElseThrow(() -> new UnknownUserException(id));
        Instant now = now();
        return new Registration(user, changes.find(id).filter(c -> c.expiresAt().isAfter(now)).orElse(null));
    }

    /**
     * Starts moving user {@code id} to {@code rawEmail}: a pending change and its {@code EmailChangeRequested}, in
     * one transaction. A pending change of the user is replaced (its link stops working: {@code
     * EmailChangeCancelled}).
     *
     * @throws InvalidSignupException       the address is not one a sign-up accepts
     * @throws UnknownUserException         no such user
     * @throws EmailChangeRefusedException  it already is the user's address, or the user is not VERIFIED
     * @throws EmailTakenException          another user has it, or another user's pending change
     */
    public Registration start(long id, String rawEmail) {
        String email = rawEmail == null ? "" : rawEmail.strip();
        Signup.Problem problem = Signup.emailProblem(email);
        if (problem != null) {
            throw new InvalidSignupException(Map.of("email", problem));
        }
        String key = Signup.emailKey(email);
        try {
            Registration started = tx.execute(status -> insert(id, email, key));
            log.info("Address change of user {} started; its link expires at {}", id, started.pending().expiresAt());
            return started;
        }
        catch (DataIntegrityViolationException e) {
            String message = String.valueOf(e.getMostSpecificCause().getMessage());
            if (message.contains("uk_email_changes_email_key") || message.contains("uk_users_email_key")) {
                throw new EmailTakenException(); // another request took the address at the same moment
            }
            throw e;
        }
    }

    private Registration insert(long id, String email, String key) {
        Instant now = now();
        User user = users.lockById(id).orElseThrow(() -> new UnknownUserException(id));
        if (Signup.emailKey(user.getEmail()).equals(key)) {
            throw new EmailChangeRefusedException(EmailChangeRefusedException.Reason.SAME_EMAIL);
        }
        if (user.getStatus() != UserStatus.VERIFIED) {
            throw new EmailChangeRefusedException(EmailChangeRefusedException.Reason.NOT_VERIFIED);
        }
        if (changes.lockOwner(key).isPresent()) {
            throw new EmailTakenException();
        }
        Optional<EmailChange> other = changes.lockByEmailKey(key).filter(c -> c.userId() != id);
        if (other.isPresent()) {
            if (other.get().expiresAt().isAfter(now)) {
                throw new EmailTakenException();
            }
            changes.delete(other.get().userId()); // expired, not yet cleaned up: the address is free
        }
        changes.lock(id).ifPresent(earlier -> {
            changes.delete(id);
            outbox.append(properties.topics().registrationEvents(), cancelled(earlier, now));
            log.info("The earlier pending address change of user {} is replaced by a new one", id);
        });
        Instant expiresAt = now.plus(properties.verificationTtl());
        EmailChangeRequested event = challenges.changeRequested(user, email, now, expiresAt);
        EmailChange change = new EmailChange(id, email, key, event.token(), event.eventId(), now, expiresAt);
        changes.insert(change);
        outbox.append(properties.topics().registrationEvents(), event);
        return new Registration(user, change);
    }

    /**
     * Cancels user {@code id}'s pending change, with an {@code EmailChangeCancelled} (verification-service forgets
     * its challenge: the link answers "not valid").
     *
     * @throws UnknownUserException      no such user
     * @throws NoPendingChangeException  the user has no pending change (an expired one counts as none)
     */
    public void cancel(long id) {
        tx.executeWithoutResult(status -> {
            Instant now = now();
            users.lockById(id).orElseThrow(() -> new UnknownUserException(id));
            EmailChange change = changes.lock(id).orElseThrow(() -> new NoPendingChangeException(id));
            changes.delete(id);
            if (!change.expiresAt().isAfter(now)) {
                throw new NoPendingChangeException(id);
            }
            outbox.append(properties.topics().registrationEvents(), cancelled(change, now));
        });
        log.info("Address change of user {} cancelled", id);
    }

    private static EmailChangeCancelled cancelled(EmailChange change, Instant now) {
        return new EmailChangeCancelled(UUID.randomUUID(), now, change.userId(), change.email(), change.token());
    }

    /**
     * Within the caller's transaction (a poll of {@code verification-events}): each {@code EmailVerified} for the
     * address of its user's pending change moves the user there (VERIFIED, verified at the event's time), deletes
     * the change and writes {@code EmailChanged} (its id derived from the {@code EmailVerified}'s, so a replay
     * would carry the same). If another user took the address meanwhile, the change is dropped and logged; the user
     * keeps their address.
     *
     * @return the events this consumed (the rest are ordinary verifications)
     */
    List<EmailVerified> applyConfirmed(List<EmailVerified> events) {
        Map<Long, EmailChange> pending = new HashMap<>();
        changes.lockAll(events.stream().map(EmailVerified::userId).distinct().toList())
                .forEach(change -> pending.put(change.userId(), change));
        List<EmailVerified> consumed = new ArrayList<>();
        if (pending.isEmpty()) {
            return consumed;
        }
        Instant now = now();
        for (EmailVerified event : events) {
            EmailChange change = pending.get(event.userId());
            if (change == null || event.email() == null || !change.emailKey().equals(Signup.emailKey(event.email()))) {
                continue;
            }
            pending.remove(event.userId());
            consumed.add(event);
            Optional<String> previous = changes.lockUserEmail(event.userId());
            Optional<Long> owner = changes.lockOwner(change.emailKey());
            changes.delete(event.userId());
            if (previous.isEmpty()) {
                continue;
            }
            if (owner.isPresent() && owner.get() != event.userId()) {
                log.warn("User {} confirmed their new address (event {}), but user {} has taken it meanwhile: the "
                        + "change is dropped and user {} keeps their address", event.userId(), event.eventId(),
                        owner.get(), event.userId());
                continue;
            }
            changes.moveUser(event.userId(), change.email(), change.emailKey(),
                    event.verifiedAt().truncatedTo(ChronoUnit.MICROS));
            outbox.append(properties.topics().verificationEvents(), new EmailChanged(
                    UUID.nameUUIDFromBytes(("EmailChanged:" + event.eventId()).getBytes(StandardCharsets.UTF_8)), now,
                    event.userId(), previous.get(), change.email(), now));
            log.info("User {} confirmed their new address and now has it (event {})", event.userId(),
                    event.eventId());
        }
        return consumed;
    }

    /**
     * Whether the address {@code emailKey} is held by a pending (unexpired) change, in the caller's transaction; a
     * locking read, so a change committed meanwhile is seen and one being started waits for the caller.
     */
    boolean pending(String emailKey) {
        Instant now = now();
        return changes.lockByEmailKey(emailKey).filter(c -> c.expiresAt().isAfter(now)).isPresent();
    }

    /** One transaction of the retention job: up to {@code batch} expired changes deleted. */
    int deleteExpired(int batch) {
        return tx.execute(status -> {
            List<EmailChange> expired = changes.lockExpired(now(), batch);
            changes.deleteAll(expired.stream().map(EmailChange::userId).toList());
            return expired.size();
        });
    }

    private Instant now() {
        return Instant.now(clock).truncatedTo(ChronoUnit.MILLIS);
    }
}
