package dev.verimail.registration.user;

import java.time.Instant;
import java.util.Optional;

import jakarta.persistence.LockModeType;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

interface UserRepository extends JpaRepository<User, Long> {

    Optional<User> findByEmailKey(String emailKey);

    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select u from User u where u.emailKey = :emailKey")
    Optional<User> findByEmailKeyForUpdate(@Param("emailKey") String emailKey);

    /** Moves a PENDING user to VERIFIED; a VERIFIED one is left as it is, so replays change nothing. */
    @Modifying
    @Query("update User u set u.status = dev.verimail.registration.user.UserStatus.VERIFIED, u.verifiedAt = :verifiedAt "
            + "where u.id = :id and u.status = dev.verimail.registration.user.UserStatus.PENDING")
    int markVerified(@Param("id") long id, @Param("verifiedAt") Instant verifiedAt);
}
