package dev.verimail.verification;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.verimail.events.registration.UserRegistered;
import dev.verimail.events.registration.VerificationReissued;
import dev.verimail.testbed.ServiceTest;
import dev.verimail.verification.challenge.Challenges;

/**
 * A Kafka poll is stored in one transaction; inside a batch the rules are those of one event at a time.
 */
@ServiceTest
class ChallengeBatchTests {

    @Autowired
    Challenges challenges;

    @Autowired
    JdbcTemplate db;

    @Test
    void aBatchWithAReissueBeforeItsRegistrationAndADuplicateKeepsOnlyTheNewestChallengeValid() {
        long user = TestEvents.newUserId();
        Instant t0 = TestEvents.now().minus(Duration.ofMinutes(5));
        UserRegistered registered = TestEvents.registered(user, "Batch", "batch@example.com", t0, t0.plus(Duration.ofHours(24)));
        VerificationReissued reissued = TestEvents.reissued(user, "batch@example.com", t0.plusSeconds(60));
        long other = TestEvents.newUserId();
        UserRegistered otherUser = TestEvents.registered(other, "Other", "other@example.com", t0, t0.plus(Duration.ofHours(24)));

        int stored = challenges.receiveAll(List.of(reissued, otherUser, registered, registered));

        assertThat(stored).isEqualTo(3);
        assertThat(valid(user)).containsExactly(reissued.token());
        assertThat(valid(other)).containsExactly(otherUser.token());
        assertThat(challenges.receiveAll(List.of(registered, reissued, otherUser))).as("a replayed batch changes nothing").isZero();
        assertThat(db.queryForObject("SELECT COUNT(*) FROM challenge WHERE user_id IN (?, ?)", Integer.class, user, other)).isEqualTo(3);
    }

    @Test
    void aLaterBatchWithANewerChallengeRetiresTheStoredOnes() {
        long user = TestEvents.newUserId();
        Instant t0 = TestEvents.now().minus(Duration.ofMinutes(5));
        UserRegistered registered = TestEvents.registered(user, "Later", "later@example.com", t0, t0.plus(Duration.ofHours(24)));
        challenges.receiveAll(List.of(registered));
        VerificationReissued reissued = TestEvents.reissued(user, "later@example.com", t0.plusSeconds(30));

        challenges.receiveAll(List.of(reissued));

        assertThat(valid(user)).containsExactly(reissued.token());
    }

    private List<String> valid(long user) {
        return db.queryForList("SELECT token FROM challenge WHERE user_id = ? AND superseded_at IS NULL", String.class, user);
    }
}
