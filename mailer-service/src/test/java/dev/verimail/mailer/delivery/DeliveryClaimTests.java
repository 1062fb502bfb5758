package dev.verimail.mailer.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.verimail.events.registration.RegistrationEvent;
import dev.verimail.events.registration.UserRegistered;
import dev.verimail.testbed.SealedChallenges;
import dev.verimail.events.registration.VerificationReissued;
import dev.verimail.testbed.ServiceTest;

/**
 * The claims that keep two instances (or the quick retries and the re-drive) from sending one delivery twice,
 * against the real database. The scheduled re-drive is parked so that only the test claims.
 */
@ServiceTest(properties = { "mailer.transport=inbox", "mailer.redrive.interval=PT1H", "mailer.redrive.lease=PT5M" })
class DeliveryClaimTests {

    @Autowired
    Deliveries deliveries;

    @Autowired
    Claims claims;

    @Autowired
    JdbcTemplate db;

    @Autowired
    PlatformTransactionManager transactions;

    @Test
    void concurrentRedrivesNeverClaimOneDeliveryTwice() throws Exception {
        List<String> due = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            due.add(insertRetrying(Instant.now().minusSeconds(1)));
        }
        int instances = 4;
        CyclicBarrier start = new CyclicBarrier(instances);
        ExecutorService pool = Executors.newFixedThreadPool(instances);
        try {
            Callable<List<String>> instance = () -> {
                start.await();
                List<String> mine = new ArrayList<>();
                for (List<Claim> batch = claims.claimDue(7); !batch.isEmpty(); batch = claims.claimDue(7)) {
                    batch.forEach(c -> mine.add(c.eventId().toString()));
                }
                return mine;
            };
            List<Future<List<String>>> results = new ArrayList<>();
            for (int i = 0; i < instances; i++) {
                results.add(pool.submit(instance));
            }
            List<String> claimed = new ArrayList<>();
            for (Future<List<String>> result : results) {
                claimed.addAll(result.get());
            }
            assertThat(claimed).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(due);
        }
        finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aDeliveryBeingSentIsNotRedrivenUntilItsLeaseIsOverAndThenOnlyTheNewHolderMayFinishIt() {
        RegistrationEvent event = event(42_001, Instant.now().plus(Duration.ofHours(1)));
        Claim recorded = deliveries.record(List.of(event)).toSend().get(0);
        assertThat(recorded.claimToken()).as("recorded, not claimed until a send slot is free").isNull();
        assertThat(claims.claimDue(100)).as("its consumer has a grace period").extracting(Claim::eventId)
                .doesNotContain(event.eventId());

        Claim first = claims.claimNew(recorded).orElseThrow();
        assertThat(claims.claimNew(recorded)).as("claimed once").isEmpty();
        assertThat(claims.claimDue(100)).extracting(Claim::eventId).doesNotContain(event.eventId());
        assertThat(claims.hold(first)).as("a valid claim is extended").isTrue();

        leaseOver(event);
        Claim second = claims.claimDue(100).stream().filter(c -> c.eventId().equals(event.eventId())).findFirst()
                .orElseThrow();
        assertThat(second.claimToken()).isNotEqualTo(first.claimToken());
        assertThat(second.authcode()).as("kept sealed").isEqualTo(event.sealedAuthcode()).isNotNull();
        assertThat(SealedChallenges.BOX.open(second.authcode(),
                dev.verimail.events.secret.SecretBox.authcodeContext(second.userId(), second.token())))
                .isEqualTo("a-" + second.userId());

        assertThat(claims.hold(first)).as("the old holder lost its claim").isFalse();
        assertThat(claims.hold(second)).isTrue();
        assertThat(claims.markSent(second, "sc-1", 1, null)).isTrue();
        assertThat(claims.markSent(first, "sc-2", 1, null)).isFalse();
        assertThat(db.queryForObject("SELECT message_id FROM delivery WHERE event_id = ?", String.class,
                event.eventId().toString())).isEqualTo("sc-1");
        assertThat(db.queryForObject("SELECT authcode FROM delivery WHERE event_id = ?", String.class,
                event.eventId().toString())).as("the secret is dropped once sent").isNull();

        assertThat(claims.claimDue(100)).extracting(Claim::eventId).doesNotContain(event.eventId());
    }

    @Test
    void aClaimWhoseLeaseIsOverIsNotHeldEvenIfNobodyTookItOver() {
        RegistrationEvent event = event(42_005, Instant.now().plus(Duration.ofHours(1)));
        Claim claim = claims.claimNew(deliveries.record(List.of(event)).toSend().get(0)).orElseThrow();

        leaseOver(event);

        assertThat(claims.hold(claim)).isFalse();
        assertThat(claims.claimDue(100)).as("the re-drive may take it now").extracting(Claim::eventId)
                .contains(event.eventId());
    }

    @Test
    void theConsumerCannotClaimWhatTheRedriveTookAfterTheGracePeriod() {
        RegistrationEvent event = event(42_006, Instant.now().plus(Duration.ofHours(1)));
        Claim recorded = deliveries.record(List.of(event)).toSend().get(0);

        leaseOver(event);
        assertThat(claims.claimDue(100)).extracting(Claim::eventId).contains(event.eventId());

        assertThat(claims.claimNew(recorded)).isEmpty();
    }

    @Test
    void recordingAnEventTwiceGivesOneClaim() {
        RegistrationEvent event = event(42_002, Instant.now().plus(Duration.ofHours(1)));

        assertThat(deliveries.record(List.of(event, event)).toSend()).hasSize(1);
        assertThat(deliveries.record(List.of(event)).toSend()).isEmpty();
        assertThat(db.queryForObject("SELECT COUNT(*) FROM delivery WHERE event_id = ?", Integer.class,
                event.eventId().toString())).isOne();
    }

    @Test
    void aReissueInTheSameBatchLeavesOnlyTheNewLinkToSend() {
        Instant now = Instant.now();
        RegistrationEvent first = SealedChallenges.v2(new UserRegistered(UUID.randomUUID(), now, 42_003, "N",
                "batch@example.com", "t1", "a1", now.plus(Duration.ofHours(1))));
        RegistrationEvent second = SealedChallenges.v2(new VerificationReissued(UUID.randomUUID(), now.plusMillis(5),
                42_003, "N", "batch@example.com", "t2", "a2", now.plus(Duration.ofHours(1))));

        Deliveries.Recorded recorded = deliveries.record(List.of(first, second));

        assertThat(recorded.toSend()).extracting(Claim::eventId).containsExactly(second.eventId());
        assertThat(recorded.superseded()).isOne();
        assertThat(db.queryForObject("SELECT failure_reason FROM delivery WHERE event_id = ?", String.class,
                first.eventId().toString())).isEqualTo("SUPERSEDED");
    }

    @Test
    void anOlderEventArrivingAfterANewerOneOfTheSameUserIsMoot() {
        Instant now = Instant.now();
        RegistrationEvent newer = SealedChallenges.v2(new VerificationReissued(UUID.randomUUID(), now, 42_004, "N",
                "late@example.com", "t2", "a2", now.plus(Duration.ofHours(1))));
        RegistrationEvent older = SealedChallenges.v2(new UserRegistered(UUID.randomUUID(), now.minusSeconds(60),
                42_004, "N", "late@example.com", "t1", "a1", now.plus(Duration.ofHours(1))));

        deliveries.record(List.of(newer));
        Deliveries.Recorded late = deliveries.record(List.of(older));

        assertThat(late.toSend()).isEmpty();
        assertThat(db.queryForObject("SELECT status FROM delivery WHERE event_id = ?", String.class,
                older.eventId().toString())).isEqualTo("FAILED");
    }

    @Test
    void reDriveDelaysGrowAndStopAtTheMaximum() {
        Duration first = claims.delayAfter(0);
        Duration later = claims.delayAfter(3);
        Duration capped = claims.delayAfter(40);

        assertThat(first).isBetween(Duration.ofSeconds(48), Duration.ofSeconds(72));
        assertThat(later).isBetween(Duration.ofSeconds(384), Duration.ofSeconds(576));
        assertThat(capped).isBetween(Duration.ofMinutes(48), Duration.ofMinutes(72));
    }

    /** What a lease (or grace period) running out looks like: the row is due. */
    private void leaseOver(RegistrationEvent event) {
        write("UPDATE delivery SET next_attempt_at = ? WHERE event_id = ?",
                LocalDateTime.ofInstant(Instant.now().minusSeconds(1), ZoneOffset.UTC), event.eventId().toString());
    }

    /** The service's connections do not auto-commit: a write outside a transaction would be rolled back. */
    private void write(String sql, Object... args) {
        new TransactionTemplate(transactions).executeWithoutResult(status -> db.update(sql, args));
    }

    private String insertRetrying(Instant due) {
        String id = UUID.randomUUID().toString();
        LocalDateTime now = LocalDateTime.now(ZoneOffset.UTC);
        write("""
                INSERT INTO delivery (event_id, event_type, user_id, email, email_key, name, token, authcode,
                    occurred_at, expires_at, status, attempts, redrives, next_attempt_at, created_at, updated_at)
                VALUES (?, 'UserRegistered', 1, 'claim@example.com', 'claim@example.com', 'N', 't', 'a', ?, ?,
                    'RETRYING', 4, 1, ?, ?, ?)""", id, now, now.plusHours(1), LocalDateTime.ofInstant(due, ZoneOffset.UTC),
                now, now);
        return id;
    }

    private static RegistrationEvent event(long userId, Instant expiresAt) {
        Instant now = Instant.now();
        return SealedChallenges.v2(new UserRegistered(UUID.randomUUID(), now, userId, "N",
                "claim-" + userId + "@example.com", "t-" + userId, "a-" + userId, expiresAt));
    }
}
