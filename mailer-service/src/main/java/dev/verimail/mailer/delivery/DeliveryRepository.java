package dev.verimail.mailer.delivery;

import java.time.Instant;
import java.util.Collection;
import java.util.List;

import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;
import org.springframework.transaction.annotation.Transactional;

/**
 * The operator side and the clean-up of {@code delivery}: the view, the admin re-drive and the retention deletes.
 * Recording events, claims and outcomes are the hot paths and stay in plain JDBC ({@link Deliveries},
 * {@link Claims}). Every method is one short transaction of its own.
 */
interface DeliveryRepository extends JpaRepository<Delivery, Long> {

    /** {@code GET /api/deliveries}: newest first, at most 100. */
    List<Delivery> findTop100ByEmailKeyOrderByCreatedAtDescOccurredAtDescIdDesc(String emailKey);

    /**
     * FAILED for a permanent SendCloud error, still holding a link that has not expired and that no newer link
     * superseded, or a sign-up-attempt notice (no link) that has not expired: due again now. {@code code} limits it
     * to one SendCloud code.
     */
    @Transactional
    @Modifying
    @Query("""
            update Delivery d set d.status = :retrying, d.failureReason = null, d.redrives = 0, d.nextAttemptAt = :now,
                d.claimToken = null, d.updatedAt = :now, d.finishedAt = null
            where d.status = :failed and d.failureReason = :permanent
                and (d.token is not null and d.authcode is not null or d.eventType in :notices)
                and d.expiresAt > :now and d.sendCloudCode = :code""")
    int redriveFailed(@Param("code") int code, @Param("now") Instant now, @Param("retrying") DeliveryStatus retrying,
            @Param("failed") DeliveryStatus failed, @Param("permanent") FailureReason permanent,
            @Param("notices") java.util.Collection<String> notices);

    /** As {@link #redriveFailed(int, Instant, DeliveryStatus, DeliveryStatus, FailureReason, java.util.Collection)}, every code. */
    @Transactional
    @Modifying
    @Query("""
            update Delivery d set d.status = :retrying, d.failureReason = null, d.redrives = 0, d.nextAttemptAt = :now,
                d.claimToken = null, d.updatedAt = :now, d.finishedAt = null
            where d.status = :failed and d.failureReason = :permanent
                and (d.token is not null and d.authcode is not null or d.eventType in :notices)
                and d.expiresAt > :now""")
    int redriveFailed(@Param("now") Instant now, @Param("retrying") DeliveryStatus retrying,
            @Param("failed") DeliveryStatus failed, @Param("permanent") FailureReason permanent,
            @Param("notices") java.util.Collection<String> notices);

    default int redriveFailed(Integer code, Instant now) {
        return code == null
                ? redriveFailed(now, DeliveryStatus.RETRYING, DeliveryStatus.FAILED, FailureReason.PERMANENT,
                        Claim.NOTICES)
                : redriveFailed(code, now, DeliveryStatus.RETRYING, DeliveryStatus.FAILED, FailureReason.PERMANENT,
                        Claim.NOTICES);
    }

    /**
     * Deliveries that FAILED for a permanent error and whose link has expired: nothing can send them any more
     * (found by {@code ix_delivery_failure}).
     */
    @Query("""
            select d.id from Delivery d
            where d.failureReason = :permanent and d.expiresAt <= :now and d.token is not null""")
    List<Long> failedWithExpiredLink(@Param("permanent") FailureReason permanent, @Param("now") Instant now,
            Limit limit);

    /**
     * Open deliveries that are due and whose link has expired: the re-drive gives them up as EXPIRED when it claims
     * them; their link goes now (found by {@code ix_delivery_due}; a claimed row's lease is in the future).
     */
    @Query("""
            select d.id from Delivery d
            where d.nextAttemptAt <= :now and d.expiresAt <= :now and d.token is not null""")
    List<Long> dueWithExpiredLink(@Param("now") Instant now, Limit limit);

    /** Conditions again: a row another instance changed meanwhile is left alone. */
    @Transactional
    @Modifying
    @Query("""
            update Delivery d set d.token = null, d.authcode = null, d.sealedCode = null, d.updatedAt = :now
            where d.id in :ids and d.token is not null and d.expiresAt <= :now""")
    int clearExpiredLinks(@Param("ids") Collection<Long> ids, @Param("now") Instant now);

    /** Final (SENT or FAILED) since before {@code before}, and holding no link (found by {@code ix_delivery_finished}). */
    @Query("select d.id from Delivery d where d.finishedAt <= :before and d.token is null")
    List<Long> finishedBefore(@Param("before") Instant before, Limit limit);

    @Transactional
    @Modifying
    @Query("delete from Delivery d where d.id in :ids and d.finishedAt <= :before and d.token is null")
    int deleteFinished(@Param("ids") Collection<Long> ids, @Param("before") Instant before);

    @Query("select d.id from Delivery d where d.userId = :user")
    List<Long> idsOfUser(@Param("user") long userId, Limit limit);

    @Transactional
    @Modifying
    @Query("delete from Delivery d where d.id in :ids and d.userId = :user")
    int deleteOfUser(@Param("ids") Collection<Long> ids, @Param("user") long userId);
}
