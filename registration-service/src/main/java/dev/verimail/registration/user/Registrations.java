package dev.verimail.registration.user;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.verimail.events.registration.RegistrationExpired;
import dev.verimail.events.registration.SignupAttempted;
import dev.verimail.events.registration.UserRegistered;
import dev.verimail.events.registration.VerificationReissued;
import dev.verimail.events.verification.EmailUndeliverable;
import dev.verimail.events.verification.EmailVerified;
import dev.verimail.events.verification.VerificationEvent;
import dev.verimail.outbox.OutboxWriter;
import dev.verimail.outbox.Traces;
import dev.verimail.registration.config.RegistrationProperties;
import dev.verimail.registration.limit.AbuseLimits;
import dev.verimail.registration.limit.RateLimitedException;

/**
 * Sign-up and the user's life cycle. Each change and the event that announces it are written in one transaction:
 * either both are stored or neither is.
 */
@Service
public class Registrations {

    private static final Logger log = LoggerFactory.getLogger(Registrations.class);

    /** Attempts at a sign-up insert when the random id is taken (about one in 10^19 per pair of users). */
    private static final int ID_ATTEMPTS = 3;

    private final Users users;
    private final UserRepository repository;
    private final ResendThrottleRepository throttles;
    private final UserIds ids;
    private final OutboxWriter outbox;
    private final RegistrationProperties properties;
    private final Clock clock;
    private final TransactionTemplate tx;
    private final ChallengeIssuer challenges;
    private final AbuseLimits limits;
    private final MeterRegistry meters;
    private final AddressChanges addressChanges;

    Registrations(Users users, UserRepository repository, ResendThrottleRepository throttles, UserIds ids,
            OutboxWriter outbox, RegistrationProperties properties, Clock clock,
            PlatformTransactionManager transactions, ChallengeIssuer challenges, AbuseLimits limits,
            MeterRegistry meters, AddressChanges addressChanges) {
        this.users = users;
        this.addressChanges = addressChanges;
        this.meters = meters;
        this.limits = limits;
        this.repository = repository;
        this.throttles = throttles;
        this.ids = ids;
        this.challenges = challenges;
        this.outbox = outbox;
        this.properties = properties;
        this.clock = clock;
        this.tx = new TransactionTemplate(transactions);
    }

    /**
     * Stores a PENDING user and its {@code UserRegistered} event with a fresh challenge.
     *
     * The id is random ({@link UserIds}); should it be taken, the whole transaction is rolled back and tried again
     * with a new one, so the caller never sees the collision.
     *
     * The client's sign-ups are counted first, in a transaction of their own, so a refused or failed sign-up counts
     * too; the address's email and the service's ceiling are counted with the sign-up, so a sign-up that is not
     * stored gives them back.
     *
     * An address whose user is UNDELIVERABLE is not taken: that user never verified and the provider cannot reach
     * it, so the new sign-up replaces it ({@link #takenAddress}).
     *
     * @param client the caller's address ({@code ClientAddresses}), for the per-client limit
     * @throws EmailTakenException  if the address is taken, also when another request takes it concurrently (with
     *                              {@code REGISTRATION_EXISTING_EMAIL=reveal}, the default; see {@link #takenAddress})
     * @throws RateLimitedException over an abuse limit
     */
    public User register(Signup signup, String client) {
        takeClient(client);
        for (int attempt = 1;; attempt++) {
            long id = ids.next();
            try {
                User user = tx.execute(status -> insert(id, signup));
                log.info("Registered user {} (pending verification)", user.getId());
                return user;
            }
            catch (DataIntegrityViolationException | AddressPendingException e) {
                if (e instanceof AddressPendingException || isDuplicateEmail((DataIntegrityViolationException) e)) {
                    Taken taken = tx.execute(status -> takenAddress(id, signup));
                    if (taken.replaced() != null) {
                        log.info("Registered user {} (pending verification) in place of user {}, whose address was "
                                + "undeliverable", taken.user().getId(), taken.replaced());
                    }
                    else if (taken.user() != null) {
                        log.info("A sign-up with a taken address was answered as a new one "
                                + "(REGISTRATION_EXISTING_EMAIL=conceal); its owner gets a notice");
                    }
                    else {
                        throw new EmailTakenException();
                    }
                    return taken.user();
                }
                if (!(e instanceof DuplicateKeyException) || attempt == ID_ATTEMPTS) {
                    throw (DataIntegrityViolationException) e;
                }
                log.warn("User id {} is taken; signing up again with a new id", id);
            }
        }
    }

    /**
     * The user and its event, then one indexed locking read of {@code email_changes}: an address that is another
     * user's pending change counts as taken. A taken address fails the insert on {@code uk_users_email_key} (no
     * lookup of {@code users} first: that would cost a round trip on every sign-up to save one on the rare
     * duplicate).
     */
    private User insert(long id, Signup signup) {
        Instant now = now();
        User user = storePending(id, signup, now);
        if (addressChanges.pending(signup.emailKey())) {
            // another user's pending address change holds it: taken, as if it were that user's already
            throw new AddressPendingException();
        }
        if (properties.existingEmail() == RegistrationProperties.ExistingEmail.CONCEAL) {
            // concealed: a taken address's notices count at once, so a new one's sign-up must too, or the two would
            // run out at different counts. Revealed: the first resend counts this sign-up (AbuseLimits.takeEmail)
            limits.takeEmail(signup.emailKey(), now);
        }
        limits.takeGlobal(now);
        return user;
    }

    /** The user and its {@code UserRegistered}, with the event's id kept as the user's current challenge. */
    private User storePending(long id, Signup signup, Instant now) {
        User user = User.pending(id, signup, now);
        UserRegistered event = challenges.registered(user, now, now.plus(properties.verificationTtl()));
        user.challengeIssued(now, event.eventId());
        users.insertPending(user);
        outbox.append(properties.topics().registrationEvents(), event);
        return user;
    }

    /**
     * A sign-up whose address is taken, in one transaction with the owner locked:
     * <ul>
     * <li>the owner is UNDELIVERABLE: it is deleted with a {@code RegistrationExpired} (so the mailer and
     * verification-service forget it and its link, as when {@code Retention} removes a never-verified user), and the
     * new user is stored in its place under {@code id}, with its own {@code UserRegistered}. The per-address limit
     * counts this email as a resend would (with {@code reveal}, the owner's sign-up too if nothing counted it yet),
     * so a bouncing address is not mailed without limit;</li>
     * <li>{@code REGISTRATION_EXISTING_EMAIL=conceal}: answered like a new address (a PENDING user with a fresh random
     * id that leads nowhere), and the owner is told by a {@code SignupAttempted} with their own name, within the same
     * per-address limit as verification emails. Nothing about the owner changes;</li>
     * <li>otherwise no user: the address is taken.</li>
     * </ul>
     * Either way the answer has the shape of a new sign-up's, so with {@code conceal} it tells nothing.
     */
    private Taken takenAddress(long id, Signup signup) {
        Instant now = now();
        Optional<User> owner = repository.lockByEmailKey(signup.emailKey());
        boolean conceal = properties.existingEmail() == RegistrationProperties.ExistingEmail.CONCEAL;
        if (owner.isPresent() && owner.get().getStatus() == UserStatus.UNDELIVERABLE) {
            User stale = owner.get();
            limits.takeEmail(signup.emailKey(), now, conceal ? null : stale.getRegisteredAt());
            limits.takeGlobal(now);
            outbox.append(properties.topics().registrationEvents(),
                    new RegistrationExpired(UUID.randomUUID(), now, stale.getId(), stale.getEmail()));
            repository.deleteAllByIdInBatch(List.of(stale.getId()));
            return new Taken(storePending(id, signup, now), stale.getId());
        }
        if (!conceal) {
            return new Taken(null, null);
        }
        limits.takeEmail(signup.emailKey(), now);
        limits.takeGlobal(now);
        owner.ifPresent(o -> outbox.append(properties.topics().registrationEvents(),
                new SignupAttempted(UUID.randomUUID(), now, o.getId(), o.getEmail(), o.getName(),
                        o.getLocale())));
        return new Taken(User.pending(ids.next(), signup, now), null);
    }

    /** A sign-up's address is the new address of another user's pending change: rolls the sign-up back. */
    private static final class AddressPendingException extends RuntimeException {

        AddressPendingException() {
            super("The address is held by a pending address change", null, false, false);
        }
    }

    /**
     * What a sign-up with a taken address answers: {@code user} (null: the address is taken), and the id of the
     * UNDELIVERABLE user it replaced, if it did.
     */
    private record Taken(User user, Long replaced) {
    }

    /**
     * Issues a new challenge to a PENDING or UNDELIVERABLE user, replacing every earlier one, and announces it with
     * {@code VerificationReissued}; an UNDELIVERABLE user is PENDING again (the person may have fixed their mailbox).
     * For an unknown or already verified address it does nothing, and it answers the same way, so callers cannot tell
     * which addresses are registered. At most one request per address per {@code registration.resend-cooldown},
     * whether the address exists or not.
     *
     * The abuse limits apply as to a sign-up, to unknown addresses too, so they answer alike.
     *
     * @throws ResendThrottledException within the cooldown
     * @throws RateLimitedException     over an abuse limit
     * @throws InvalidSignupException   if {@code rawEmail} is not an email address
     */
    public void resend(String rawEmail, String client) {
        Signup.Problem problem = Signup.emailProblem(rawEmail == null ? "" : rawEmail.strip());
        if (problem != null) {
            throw new InvalidSignupException(Map.of("email", problem));
        }
        String key = Signup.emailKey(rawEmail);
        takeClient(client);
        try {
            tx.executeWithoutResult(status -> reissue(key));
        }
        catch (DataIntegrityViolationException | PessimisticLockingFailureException e) {
            // a concurrent request for the same address got there first
            throw new ResendThrottledException(properties.resendCooldown());
        }
    }

    private void reissue(String emailKey) {
        Instant now = now();
        throttles.lock(emailKey).ifPresentOrElse(throttle -> {
            Instant allowedAt = throttle.lastRequestedAt().plus(properties.resendCooldown());
            if (now.isBefore(allowedAt)) {
                throw new ResendThrottledException(Duration.between(now, allowedAt));
            }
            throttle.requested(now);
        }, () -> throttles.saveAndFlush(new ResendThrottle(emailKey, now)));
        Optional<User> registered = repository.lockByEmailKey(emailKey);
        boolean signupUncounted = properties.existingEmail() == RegistrationProperties.ExistingEmail.REVEAL;
        limits.takeEmail(emailKey, now, signupUncounted ? registered.map(User::getRegisteredAt).orElse(null) : null);
        limits.takeGlobal(now);
        registered.filter(u -> u.getStatus() != UserStatus.VERIFIED).ifPresentOrElse(user -> {
            boolean undeliverable = user.getStatus() == UserStatus.UNDELIVERABLE;
            VerificationReissued event = challenges.reissued(user, now, now.plus(properties.verificationTtl()));
            user.challengeIssued(now, event.eventId());
            outbox.append(properties.topics().registrationEvents(), event);
            log.info("Reissued the verification challenge of user {}{}", user.getId(),
                    undeliverable ? " (its address was undeliverable; pending again)" : "");
        }, () -> log.debug("Resend requested for an address with no pending user; nothing sent"));
    }

    /** The per-client limit, in a transaction of its own: what the request does next cannot give it back. */
    private void takeClient(String client) {
        if (limits.perClientIsOn()) {
            tx.executeWithoutResult(status -> limits.takeClient(client, now()));
        }
    }

    public User find(long id) {
        return repository.findById(id).orElseThrow(() -> new UnknownUserException(id));
    }

    /**
     * Applies a poll of {@code verification-events} in one transaction (one commit per Kafka poll rather than per
     * event): {@code EmailVerified} marks users VERIFIED, {@code EmailUndeliverable} marks PENDING users
     * UNDELIVERABLE when it is about their current link. Users in id order so concurrent consumers never deadlock.
     * Idempotent: a replay, a second event for a verified user or a report about an earlier link or address changes
     * nothing. VERIFIED wins whatever the order: verifying is proof the email arrived.
     *
     * @param traceparents each event's trace (by event id), for the log lines
     * @return how many users changed
     */
    public int applyAll(List<? extends VerificationEvent> events, Map<UUID, String> traceparents) {
        List<EmailVerified> verified = events.stream().filter(EmailVerified.class::isInstance)
                .map(EmailVerified.class::cast).sorted(Comparator.comparingLong(EmailVerified::userId)).toList();
        List<EmailUndeliverable> undeliverable = events.stream().filter(EmailUndeliverable.class::isInstance)
                .map(EmailUndeliverable.class::cast).sorted(Comparator.comparingLong(EmailUndeliverable::userId))
                .toList();
        List<EmailVerified> moved = new ArrayList<>();
        boolean[][] changed = tx.execute(status -> {
            if (!verified.isEmpty() && !undeliverable.isEmpty()) {
                users.lockInIdOrder(events.stream().map(VerificationEvent::userId).distinct().toList());
            }
            // an EmailVerified for the address of a pending change moves the user there (AddressChanges)
            moved.clear();
            moved.addAll(verified.isEmpty() ? List.of() : addressChanges.applyConfirmed(verified));
            List<EmailVerified> rest = moved.isEmpty() ? verified : withoutMoved(verified, moved);
            return new boolean[][] { rest.isEmpty() ? new boolean[0] : users.markVerified(rest),
                    undeliverable.isEmpty() ? new boolean[0] : users.markUndeliverable(undeliverable) };
        });
        return moved.size() + verifiedLogged(moved.isEmpty() ? verified : withoutMoved(verified, moved), changed[0],
                traceparents) + undeliverableLogged(undeliverable, changed[1], traceparents);
    }

    private static List<EmailVerified> withoutMoved(List<EmailVerified> verified, List<EmailVerified> moved) {
        Set<EmailVerified> applied = Collections.newSetFromMap(new IdentityHashMap<>());
        applied.addAll(moved);
        return verified.stream().filter(e -> !applied.contains(e)).toList();
    }

    /**
     * Applies a batch of {@code EmailVerified}; see {@link #applyAll}.
     *
     * @return how many users changed
     */
    public int markAllVerified(List<EmailVerified> events) {
        return applyAll(events, Map.of());
    }

    /**
     * Applies one {@code EmailVerified}; see {@link #applyAll}.
     *
     * @return whether this call changed the user
     */
    public boolean markVerified(EmailVerified event) {
        return markAllVerified(List.of(event)) == 1;
    }

    private int verifiedLogged(List<EmailVerified> ordered, boolean[] changed, Map<UUID, String> traceparents) {
        int count = 0;
        List<EmailVerified> unchanged = new ArrayList<>();
        for (int i = 0; i < ordered.size(); i++) {
            EmailVerified event = ordered.get(i);
            if (changed[i]) {
                count++;
                try (Traces.LogScope trace = Traces.inLogs(traceparents.get(event.eventId()))) {
                    log.info("User {} verified their email (event {})", event.userId(), event.eventId());
                }
            }
            else {
                unchanged.add(event);
            }
        }
        if (!unchanged.isEmpty()) {
            Set<Long> known = new HashSet<>(repository.existing(unchanged.stream().map(EmailVerified::userId).distinct().toList()));
            for (EmailVerified event : unchanged) {
                if (known.contains(event.userId())) {
                    log.debug("User {} already verified; event {} changes nothing", event.userId(), event.eventId());
                }
                else {
                    log.warn("EmailVerified {} names user {}, who is not registered here; ignored", event.eventId(),
                            event.userId());
                }
            }
        }
        return count;
    }

    /**
     * One INFO line per user marked UNDELIVERABLE (id, reason, provider code: nothing secret, not the address) and
     * {@code registration_users_undeliverable_total{reason}}; for the others, why nothing changed.
     */
    private int undeliverableLogged(List<EmailUndeliverable> ordered, boolean[] changed,
            Map<UUID, String> traceparents) {
        int count = 0;
        List<EmailUndeliverable> unchanged = new ArrayList<>();
        for (int i = 0; i < ordered.size(); i++) {
            EmailUndeliverable event = ordered.get(i);
            if (changed[i]) {
                count++;
                meters.counter("registration.users.undeliverable", "reason", event.reason().name()).increment();
                try (Traces.LogScope trace = Traces.inLogs(traceparents.get(event.eventId()))) {
                    log.info("User {} marked UNDELIVERABLE: the provider reports {} ({} {}) for their link (event {})",
                            event.userId(), event.reason(), event.providerEvent(),
                            event.providerCode() == null ? "without a code" : "code " + event.providerCode(),
                            event.eventId());
                }
            }
            else {
                unchanged.add(event);
            }
        }
        if (!unchanged.isEmpty()) {
            Map<Long, User> known = new HashMap<>();
            repository.findAllById(unchanged.stream().map(EmailUndeliverable::userId).distinct().toList())
                    .forEach(user -> known.put(user.getId(), user));
            for (EmailUndeliverable event : unchanged) {
                User user = known.get(event.userId());
                if (user == null) {
                    log.warn("EmailUndeliverable {} names user {}, who is not registered here; ignored",
                            event.eventId(), event.userId());
                }
                else if (user.getStatus() == UserStatus.VERIFIED) {
                    log.info("User {} is verified; EmailUndeliverable {} ({}) changes nothing", user.getId(),
                            event.eventId(), event.reason());
                }
                else if (user.getStatus() == UserStatus.UNDELIVERABLE
                        && event.deliveryEventId().equals(user.getChallengeEventId())) {
                    log.debug("User {} already undeliverable; event {} changes nothing", user.getId(),
                            event.eventId());
                }
                else {
                    log.info("EmailUndeliverable {} for user {} is about an earlier link or address (the user has "
                            + "a newer one); ignored", event.eventId(), user.getId());
                }
            }
        }
        return count;
    }

    private Instant now() {
        return Instant.now(clock).truncatedTo(ChronoUnit.MILLIS);
    }

    static boolean isDuplicateEmail(DataIntegrityViolationException e) {
        String message = String.valueOf(e.getMostSpecificCause().getMessage());
        return message.contains("uk_users_email_key");
    }
}
