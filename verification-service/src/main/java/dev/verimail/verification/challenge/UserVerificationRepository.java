package dev.verimail.verification.challenge;

import java.util.Optional;

import jakarta.persistence.LockModeType;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

interface UserVerificationRepository extends JpaRepository<UserVerification, Long> {

    /** {@code SELECT ... FOR UPDATE}: everything that changes a user's challenges holds this lock first. */
    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select u from UserVerification u where u.userId = :userId")
    Optional<UserVerification> lock(@Param("userId") long userId);

    @Modifying
    @Query("delete from UserVerification u where u.userId = :userId and u.verifiedAt is null")
    int deleteUnverified(@Param("userId") long userId);
}
