package dev.verimail.verification;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.verimail.events.registration.UserRegistered;
import dev.verimail.testbed.ServiceTest;
import dev.verimail.testbed.TestHttp;
import dev.verimail.verification.challenge.Outcome;
import dev.verimail.verification.challenge.Verifications;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;

/**
 * Property: any token/authcode pair other than the issued one verifies nobody. jqwik generates the pairs (mutations
 * of the issued pair: one character changed, truncated, extended, halves or values swapped, case flipped, random
 * strings); each goes through {@link Verifications#check} and {@link Verifications#verify}, a sample also through the
 * API. Bounded (300 distinct pairs) so it stays fast; the issued pair still verifies at the end.
 */
@ServiceTest(properties = "verimail.outbox.enabled=false")
class TokenPairPropertyTests {

    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    private static final int TRIES = 300;

    @Autowired
    Verifications verifications;

    @Autowired
    JdbcTemplate jdbc;

    @LocalServerPort
    int port;

    @Value("${spring.kafka.bootstrap-servers}")
    String bootstrapServers;

    @Test
    void anyPairOtherThanTheIssuedOneFails() {
        UserRegistered event = TestEvents.registered("pairs@example.com");
        try (TestEvents events = new TestEvents(bootstrapServers)) {
            events.publish(event);
        }
        TestDb db = new TestDb(jdbc);
        db.awaitChallenge(event.token());
        Tuple2<String, String> issued = Tuple.of(event.token(), event.authcode());
        TestHttp http = TestHttp.localhost(port);

        Set<Tuple2<String, String>> tried = new LinkedHashSet<>();
        Iterator<Tuple2<String, String>> pairs = otherPairs(issued).sampleStream().iterator();
        while (tried.size() < TRIES) {
            Tuple2<String, String> pair = pairs.next();
            if (pair.equals(issued) || !tried.add(pair)) {
                continue;
            }
            assertThat(verifications.check(pair.get1(), pair.get2()).status()).as("check %s", pair)
                    .isEqualTo(Outcome.Status.NOT_VALID);
            assertThat(verifications.verify(pair.get1(), pair.get2()).status()).as("verify %s", pair)
                    .isEqualTo(Outcome.Status.NOT_VALID);
            if (tried.size() % 10 == 0) {
                String body = "{\"token\":" + json(pair.get1()) + ",\"authcode\":" + json(pair.get2()) + "}";
                assertThat(http.postJson("/api/verifications", body).statusCode()).as("API %s", pair).isIn(400, 404);
            }
        }
        assertThat(db.verifiedChallenges(event.userId())).isZero();
        assertThat(db.verifiedUsers(event.userId())).isZero();
        assertThat(db.count("SELECT COUNT(*) FROM outbox_event")).isZero();

        assertThat(verifications.verify(event.token(), event.authcode()).status()).as("the issued pair still works")
                .isEqualTo(Outcome.Status.VERIFIED);
    }

    /** Pairs near the issued one, and far from it. */
    static Arbitrary<Tuple2<String, String>> otherPairs(Tuple2<String, String> issued) {
        String token = issued.get1();
        String authcode = issued.get2();
        Arbitrary<String> tokens = Arbitraries.oneOf(mutations(token), Arbitraries.just(token), Arbitraries.just(authcode));
        Arbitrary<String> authcodes = Arbitraries.oneOf(mutations(authcode), Arbitraries.just(authcode),
                Arbitraries.just(token));
        return Arbitraries.oneOf(
                Combinators.combine(mutations(token), Arbitraries.just(authcode)).as(Tuple::of),
                Combinators.combine(Arbitraries.just(token), mutations(authcode)).as(Tuple::of),
                Combinators.combine(tokens, authcodes).as(Tuple::of),
                Arbitraries.just(Tuple.of(authcode, token)),
                Arbitraries.just(Tuple.of(swapHalves(token), authcode)),
                Arbitraries.just(Tuple.of(token, swapHalves(authcode))),
                Arbitraries.just(Tuple.of(token + authcode, "")),
                Arbitraries.just(Tuple.of(token, token)));
    }

    /** A value one step away: a changed character, cut short, extended, case flipped, or something random. */
    static Arbitrary<String> mutations(String value) {
        Arbitrary<Integer> index = Arbitraries.integers().between(0, value.length() - 1);
        Arbitrary<Character> letter = Arbitraries.of(ALPHABET.toCharArray());
        Arbitrary<String> changed = Combinators.combine(index, letter)
                .filter((i, c) -> value.charAt(i) != c)
                .as((i, c) -> value.substring(0, i) + c + value.substring(i + 1));
        Arbitrary<String> truncated = Arbitraries.integers().between(0, value.length() - 1).map(n -> value.substring(0, n));
        Arbitrary<String> extended = Arbitraries.strings().withChars(ALPHABET + "=+/ .").ofMinLength(1).ofMaxLength(8)
                .map(s -> value + s);
        Arbitrary<String> prefixed = Arbitraries.strings().withChars(ALPHABET).ofMinLength(1).ofMaxLength(4)
                .map(s -> s + value);
        Arbitrary<String> caseFlipped = index.filter(i -> Character.isLetter(value.charAt(i))).map(i -> value.substring(0, i)
                + flipCase(value.charAt(i)) + value.substring(i + 1));
        Arbitrary<String> random = Arbitraries.strings().withChars(ALPHABET).ofMinLength(1).ofMaxLength(64);
        Arbitrary<String> junk = Arbitraries.strings().ofMinLength(0).ofMaxLength(300);
        return Arbitraries.oneOf(changed, truncated, extended, prefixed, caseFlipped, random, junk);
    }

    private static char flipCase(char c) {
        return Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c);
    }

    private static String swapHalves(String value) {
        int half = value.length() / 2;
        return value.substring(half) + value.substring(0, half);
    }

    private static String json(String value) {
        return tools.jackson.databind.json.JsonMapper.builder().build().writeValueAsString(value);
    }
}
