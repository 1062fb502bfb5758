package dev.verimail.verification.challenge;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

interface ChallengeRepository extends JpaRepository<Challenge, Long> {

    Optional<Challenge> findByToken(String token);

    /**
     * Challenges past retention, in id order from {@code after} on (a plain read, no locks): expired, used or
     * superseded before {@code cutoff}.
     */
    @Query("select c.id from Challenge c where c.id > :after and (c.expiresAt < :cutoff or c.verifiedAt < :cutoff "
            + "or c.supersededAt < :cutoff) order by c.id")
    List<Long> findRetired(@Param("after") long after, @Param("cutoff") Instant cutoff, Limit limit);

    /** Deletes those of {@code ids} still past retention; idempotent, so instances may race on the same ids. */
    @Modifying
    @Query("delete from Challenge c where c.id in :ids and (c.expiresAt < :cutoff or c.verifiedAt < :cutoff "
            + "or c.supersededAt < :cutoff)")
    int deleteRetired(@Param("ids") Collection<Long> ids, @Param("cutoff") Instant cutoff);

    /** A cancelled address change: its unused challenge stops working (answers "not valid"). */
    @Modifying
    @Query("update Challenge c set c.supersededAt = :now where c.userId = :userId and c.token = :token "
            + "and c.emailChange = true and c.verifiedAt is null and c.supersededAt is null")
    int cancelChange(@Param("userId") long userId, @Param("token") String token, @Param("now") Instant now);

    @Modifying
    @Query("delete from Challenge c where c.userId = :userId")
    int deleteByUser(@Param("userId") long userId);
}
