package dev.verimail.registration.user;

import java.security.SecureRandom;

import org.springframework.stereotype.Component;

/**
 * New user ids: random positive 63-bit values from {@link SecureRandom}, so an id in a URL, a {@code Location} or an
 * event key says nothing about how many users there are and cannot be guessed from another. Existing rows keep
 * their ids. Two sign-ups drawing the same id (about one in 10^19 per pair) fail the insert on the primary key;
 * {@link Registrations#register} then retries with a new id.
 */
@Component
class UserIds {

    private static final SecureRandom RANDOM = new SecureRandom();

    long next() {
        long id;
        do {
            id = RANDOM.nextLong() & Long.MAX_VALUE;
        }
        while (id == 0);
        return id;
    }
}
