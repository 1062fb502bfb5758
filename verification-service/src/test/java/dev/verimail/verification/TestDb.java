package dev.verimail.verification;

import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.springframework.jdbc.core.JdbcTemplate;

/** Looks at the service's tables the way an operator would. */
final class TestDb {

    private final JdbcTemplate db;

    TestDb(JdbcTemplate db) {
        this.db = db;
    }

    /** Waits until the listener stored the challenge with this token. */
    void awaitChallenge(String token) {
        await().atMost(Duration.ofSeconds(30)).until(() -> count("SELECT COUNT(*) FROM challenge WHERE token = ?", token) == 1);
    }

    int count(String sql, Object... args) {
        Integer n = db.queryForObject(sql, Integer.class, args);
        return n == null ? 0 : n;
    }

    int verifiedChallenges(long userId) {
        return count("SELECT COUNT(*) FROM challenge WHERE user_id = ? AND verified_at IS NOT NULL", userId);
    }

    int verifiedUsers(long userId) {
        return count("SELECT COUNT(*) FROM user_verification WHERE user_id = ? AND verified_at IS NOT NULL", userId);
    }
}
