package dev.verimail.verification.challenge;

import java.time.Instant;
import java.util.Optional;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

interface ChallengeRepository extends JpaRepository<Challenge, Long> {

    Optional<Challenge> findByToken(String token);

    /**
     * Uses the challenge. The conditions make it single-use: of any number of concurrent calls, one changes the row
     * and all others find {@code verified_at} set and change nothing.
     */
    @Modifying(flushAutomatically = true, clearAutomatically = true)
    @Query("update Challenge c set c.verifiedAt = :now where c.id = :id "
            + "and c.verifiedAt is null and c.supersededAt is null and c.expiresAt > :now")
    int markVerified(@Param("id") long id, @Param("now") Instant now);
}
