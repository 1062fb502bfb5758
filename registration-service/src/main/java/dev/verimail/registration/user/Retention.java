package dev.verimail.registration.user;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.function.IntSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.domain.Limit;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.verimail.events.registration.RegistrationExpired;
import dev.verimail.outbox.OutboxWriter;
import dev.verimail.registration.config.RegistrationProperties;
import dev.verimail.registration.limit.RateLimits;

/**
 * Scheduled clean-up ({@code registration.retention.*}): throttle rows once their cooldown is over, rate limit rows
 * once full again, pending address changes once their link expired, and never-verified (PENDING or UNDELIVERABLE) users
 * whose last link expired more than {@code pending-users} ago, each deleted together with a
 * {@code RegistrationExpired} in the outbox so the other services forget them too; their address can sign up again.
 * Small batches, each its own short transaction; rows are locked with {@code SKIP LOCKED}, so several instances
 * share the work instead of waiting on each other.
 */
@Component
class Retention {

    private static final Logger log = LoggerFactory.getLogger(Retention.class);

    private static final List<UserStatus> NEVER_VERIFIED = List.of(UserStatus.PENDING, UserStatus.UNDELIVERABLE);

    private final UserRepository users;
    private final ResendThrottleRepository throttles;
    private final OutboxWriter outbox;
    private final RegistrationProperties properties;
    private final Clock clock;
    private final TransactionTemplate tx;
    private final RateLimits limits;
    private final AddressChanges addressChanges;

    Retention(UserRepository users, ResendThrottleRepository throttles, OutboxWriter outbox,
            RegistrationProperties properties, Clock clock, PlatformTransactionManager transactions,
            RateLimits limits, AddressChanges addressChanges) {
        this.users = users;
        this.addressChanges = addressChanges;
        this.limits = limits;
        this.throttles = throttles;
        this.outbox = outbox;
        this.properties = properties;
        this.clock = clock;
        this.tx = new TransactionTemplate(transactions);
    }

    @Scheduled(fixedDelayString = "${registration.retention.interval:PT5M}")
    void run() {
        int throttleRows = inBatches(this::deleteExpiredThrottles);
        int pendingUsers = inBatches(this::deleteExpiredPendingUsers);
        int limitRows = inBatches(this::deleteRefilledLimits);
        int emailChanges = inBatches(this::deleteExpiredEmailChanges);
        if (throttleRows > 0 || pendingUsers > 0 || limitRows > 0 || emailChanges > 0) {
            log.info("Retention: deleted {} pending user(s) whose link expired, {} resend throttle row(s), {} "
                    + "rate limit row(s) and {} expired address change(s)", pendingUsers, throttleRows, limitRows,
                    emailChanges);
        }
    }

    /** One transaction: up to a batch of rate limit rows that are full again (as good as no row). */
    int deleteRefilledLimits() {
        return tx.execute(status -> limits.deleteRefilled(now(), properties.retention().batch()));
    }

    /**
     * One transaction: up to a batch of pending address changes whose link expired; their address is free again
     * (verification-service answers the link "expired" by itself).
     */
    int deleteExpiredEmailChanges() {
        return addressChanges.deleteExpired(properties.retention().batch());
    }

    /** One transaction: up to a batch of throttle rows whose cooldown is over. */
    int deleteExpiredThrottles() {
        Instant cutoff = now().minus(properties.resendCooldown());
        return tx.execute(status -> {
            List<ResendThrottle> expired = throttles.findByLastRequestedAtBeforeOrderByEmailKey(cutoff, batch());
            throttles.deleteAllByIdInBatch(expired.stream().map(ResendThrottle::getId).toList());
            return expired.size();
        });
    }

    /**
     * One transaction: up to a batch of never-verified (PENDING or UNDELIVERABLE) users past retention, and a
     * {@code RegistrationExpired} for each.
     */
    int deleteExpiredPendingUsers() {
        Instant now = now();
        Instant cutoff = now.minus(properties.verificationTtl()).minus(properties.retention().pendingUsers());
        return tx.execute(status -> {
            List<User> expired = users.findByStatusInAndLastChallengeAtBeforeOrderById(NEVER_VERIFIED, cutoff, batch());
            for (User user : expired) {
                outbox.append(properties.topics().registrationEvents(),
                        new RegistrationExpired(UUID.randomUUID(), now, user.getId(), user.getEmail()));
            }
            users.deleteAllByIdInBatch(expired.stream().map(User::getId).toList());
            return expired.size();
        });
    }

    private int inBatches(IntSupplier batch) {
        int total = 0;
        int deleted;
        do {
            deleted = batch.getAsInt();
            total += deleted;
        }
        while (deleted == properties.retention().batch());
        return total;
    }

    private Limit batch() {
        return Limit.of(properties.retention().batch());
    }

    private Instant now() {
        return Instant.now(clock).truncatedTo(ChronoUnit.MILLIS);
    }
}
