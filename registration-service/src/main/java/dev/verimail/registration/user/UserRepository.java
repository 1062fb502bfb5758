package dev.verimail.registration.user;

import java.time.Instant;
import java.util.Collection;
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

/**
 * Users through JPA: reads, the resend's lock and update, retention. The sign-up insert and the batch of
 * {@code EmailVerified} stay on plain JDBC in {@link Users} (see BENCHMARKS.md).
 */
interface UserRepository extends JpaRepository<User, Long> {

    /** {@code SELECT ... FOR UPDATE}: whoever changes a user's challenge holds this lock. */
    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select u from User u where u.emailKey = :emailKey")
    Optional<User> lockByEmailKey(@Param("emailKey") String emailKey);

    /** {@code SELECT ... FOR UPDATE} by id: an address change holds this lock. */
    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select u from User u where u.id = :id")
    Optional<User> lockById(@Param("id") long id);

    /** Which of these ids are registered here. */
    @Query("select u.id from User u where u.id in :ids")
    List<Long> existing(@Param("ids") Collection<Long> ids);

    /**
     * Users in one of {@code statuses} whose last challenge was issued before {@code cutoff}, oldest ids first,
     * locked; rows another instance has locked are skipped ({@code FOR UPDATE SKIP LOCKED}), so instances clean up
     * side by side.
     */
    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @QueryHints(@QueryHint(name = "jakarta.persistence.lock.timeout", value = "-2"))
    List<User> findByStatusInAndLastChallengeAtBeforeOrderById(Collection<UserStatus> statuses, Instant cutoff,
            Limit limit);
}
