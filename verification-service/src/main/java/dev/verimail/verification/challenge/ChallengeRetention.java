package dev.verimail.verification.challenge;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.domain.Limit;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import dev.verimail.verification.config.VerificationProperties;

/**
 * Deletes challenges {@code verification.retention.challenges} after they expired, were used or were superseded.
 * A run walks the table once in id order: a plain read picks the next batch of ids, a short transaction deletes
 * those still past retention. Safe with several instances: the delete re-checks its condition, so two instances on
 * the same ids delete each row once. {@code user_verification} rows are kept: they answer "already verified"; an
 * unverified user's row goes with {@code RegistrationExpired} ({@link Challenges#forget}).
 */
@Component
class ChallengeRetention {

    private static final Logger log = LoggerFactory.getLogger(ChallengeRetention.class);

    private final ChallengeRepository challenges;
    private final VerificationProperties properties;
    private final Clock clock;
    private final TransactionTemplate tx;
    private final TransactionTemplate read;

    private final CodeAttempts codeAttempts;

    ChallengeRetention(ChallengeRepository challenges, VerificationProperties properties, Clock clock,
            PlatformTransactionManager transactions, CodeAttempts codeAttempts) {
        this.codeAttempts = codeAttempts;
        this.challenges = challenges;
        this.properties = properties;
        this.clock = clock;
        this.tx = new TransactionTemplate(transactions);
        this.tx.setIsolationLevel(TransactionDefinition.ISOLATION_READ_COMMITTED);
        this.read = new TransactionTemplate(transactions);
        this.read.setReadOnly(true);
    }

    @Scheduled(fixedDelayString = "${verification.retention.interval:PT5M}",
            initialDelayString = "${verification.retention.interval:PT5M}")
    void scheduled() {
        run();
    }

    /** @return how many challenges this run deleted */
    int run() {
        Instant cutoff = Instant.now(clock).minus(properties.retention().challenges());
        int batch = properties.retention().batch();
        long after = 0;
        int deleted = 0;
        while (true) {
            long from = after;
            List<Long> ids = read.execute(status -> challenges.findRetired(from, cutoff, Limit.of(batch)));
            if (ids == null || ids.isEmpty()) {
                break;
            }
            Integer n = tx.execute(status -> challenges.deleteRetired(ids, cutoff));
            deleted += n == null ? 0 : n;
            if (ids.size() < batch) {
                break;
            }
            after = ids.get(ids.size() - 1);
        }
        if (deleted > 0) {
            log.info("Retention: deleted {} challenge(s) expired, used or superseded before {}", deleted, cutoff);
        }
        // counters of wrong codes whose window ended
        Instant now = Instant.now(clock);
        Integer ended;
        do {
            ended = tx.execute(status -> codeAttempts.deleteEnded(now, batch));
        }
        while (ended != null && ended >= batch);
        return deleted;
    }
}
