package dev.verimail.verification.challenge;

import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Stores a batch of challenges with a handful of statements however large the batch, inside the caller's
 * transaction: create and lock the users' rows (in id order), find the events seen before, find each user's newest
 * existing challenge, retire what the batch makes old, insert the rest in one JDBC batch. The rules are those of
 * one event at a time: an event seen before changes nothing; only a user's newest challenge (by {@code occurredAt})
 * stays valid, whatever the arrival order; challenges issued at the same instant both stay valid.
 */
@Component
// JDBC on purpose: a poll's challenges in a handful of set-based statements and one multi-row batch; Hibernate cost
// most of this service's CPU on its hot paths, see BENCHMARKS.md
class ChallengeBatchStore {

    private final JdbcTemplate jdbc;

    ChallengeBatchStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** @return the challenges of the batch that were new, in the batch's order */
    List<ChallengeData> store(List<ChallengeData> batch, Instant now) {
        if (batch.isEmpty()) {
            return List.of();
        }
        TreeSet<Long> userIds = batch.stream().map(ChallengeData::userId).collect(Collectors.toCollection(TreeSet::new));
        String users = placeholders(userIds.size());
        jdbc.update("INSERT INTO user_verification (user_id) VALUES " + String.join(",", Collections.nCopies(userIds.size(), "(?)"))
                + " ON DUPLICATE KEY UPDATE user_id = user_id", userIds.toArray());
        jdbc.queryForList("SELECT user_id FROM user_verification WHERE user_id IN (" + users + ") ORDER BY user_id FOR UPDATE",
                Long.class, userIds.toArray());

        Map<String, ChallengeData> fresh = new LinkedHashMap<>();
        for (ChallengeData data : batch) {
            fresh.putIfAbsent(data.eventId(), data);
        }
        Set<String> seen = new HashSet<>(jdbc.queryForList("SELECT event_id FROM challenge WHERE event_id IN ("
                + placeholders(fresh.size()) + ")", String.class, fresh.keySet().toArray()));
        fresh.keySet().removeAll(seen);
        if (fresh.isEmpty()) {
            return List.of();
        }

        Map<Long, Instant> newest = new HashMap<>();
        jdbc.query("SELECT user_id, MAX(issued_at) AS newest FROM challenge WHERE user_id IN (" + users + ") GROUP BY user_id",
                rs -> {
                    newest.put(rs.getLong("user_id"), SqlTime.get(rs, "newest"));
                }, userIds.toArray());
        Map<Long, Instant> newestExisting = Map.copyOf(newest);
        for (ChallengeData data : fresh.values()) {
            newest.merge(data.userId(), data.issuedAt(), (a, b) -> a.isAfter(b) ? a : b);
        }
        for (Map.Entry<Long, Instant> existing : newestExisting.entrySet()) {
            Instant newestOverall = newest.get(existing.getKey());
            if (newestOverall.isAfter(existing.getValue())) {
                jdbc.update("UPDATE challenge SET superseded_at = ? WHERE user_id = ? AND issued_at < ? AND superseded_at IS NULL",
                        ps -> {
                            SqlTime.set(ps, 1, now);
                            ps.setLong(2, existing.getKey());
                            SqlTime.set(ps, 3, newestOverall);
                        });
            }
        }

        List<ChallengeData> inserted = new ArrayList<>(fresh.values());
        jdbc.batchUpdate("""
                INSERT INTO challenge (event_id, token, authcode_hash, user_id, email, name, issued_at, expires_at,
                                       received_at, superseded_at, id, traceparent, locale, code_hash, email_key,
                                       email_change)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", inserted, inserted.size(), (ps, data) -> {
            ps.setString(14, data.codeHash());
            ps.setBytes(15, CodeAttempts.emailKey(data.email()));
            ps.setBoolean(16, data.emailChange());
            ps.setLong(11, ChallengeIds.next());
            ps.setString(12, data.traceparent());
            ps.setString(13, data.locale());
            ps.setString(1, data.eventId());
            ps.setString(2, data.token());
            ps.setBytes(3, data.authcodeHash());
            ps.setLong(4, data.userId());
            ps.setString(5, data.email());
            ps.setString(6, data.name());
            SqlTime.set(ps, 7, data.issuedAt());
            SqlTime.set(ps, 8, data.expiresAt());
            SqlTime.set(ps, 9, now);
            if (data.issuedAt().isBefore(newest.get(data.userId()))) {
                SqlTime.set(ps, 10, now);
            }
            else {
                ps.setNull(10, Types.TIMESTAMP);
            }
        });
        return inserted;
    }

    private static String placeholders(int n) {
        return String.join(",", Collections.nCopies(n, "?"));
    }
}
