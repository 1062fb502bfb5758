package dev.verimail.verification.challenge;

import java.security.SecureRandom;

/**
 * Ids of new challenges: random positive 63-bit numbers, assigned by the application. Nobody can guess or count
 * them (they never leave the service anyway), and since no id comes from the database, inserts can be batched. A
 * collision (odds about n^2 / 2^64 for n stored rows: one in 10^7 at a million rows) fails the insert on the primary
 * key; the consumer retries the poll, which draws new ids.
 */
final class ChallengeIds {

    private static final SecureRandom RANDOM = new SecureRandom();

    private ChallengeIds() {
    }

    static long next() {
        long id;
        do {
            id = RANDOM.nextLong() & Long.MAX_VALUE;
        }
        while (id == 0);
        return id;
    }
}
