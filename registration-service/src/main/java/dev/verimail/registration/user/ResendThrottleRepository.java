package dev.verimail.registration.user;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.persistence.LockModeType;
import jakarta.persistence.QueryHint;

import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.jpa.repository.QueryHints;
import org.springframework.data.repository.query.Param;

interface ResendThrottleRepository extends JpaRepository<ResendThrottle, String> {

    /** {@code SELECT ... FOR UPDATE}: concurrent resends for one address queue here. */
    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select t from ResendThrottle t where t.emailKey = :emailKey")
    Optional<ResendThrottle> lock(@Param("emailKey") String emailKey);

    /** Rows last requested before {@code cutoff}, locked, skipping rows another transaction holds. */
    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @QueryHints(@QueryHint(name = "jakarta.persistence.lock.timeout", value = "-2"))
    List<ResendThrottle> findByLastRequestedAtBeforeOrderByEmailKey(Instant cutoff, Limit limit);
}
