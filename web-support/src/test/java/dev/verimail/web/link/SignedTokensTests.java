package dev.verimail.web.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import org.junit.jupiter.api.Test;

import dev.verimail.web.link.SignedTokens.Verdict;

class SignedTokensTests {

    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    private final String spec = SignedTokens.randomSpec();
    private final SignedTokens tokens = SignedTokens.of(spec);

    @Test
    void aTokenWeIssuedIsGenuineUntilItsExpiryThenExpired() {
        String token = tokens.issue(NOW.plus(Duration.ofHours(24)));
        assertThat(token).hasSize(52).matches("[A-Za-z0-9_-]+");
        assertThat(tokens.check(token, NOW)).isEqualTo(Verdict.GENUINE);
        assertThat(tokens.check(token, NOW.plus(Duration.ofHours(24)))).isEqualTo(Verdict.EXPIRED);
    }

    @Test
    void anyChangedCharacterMakesItNotOurs() {
        String token = tokens.issue(NOW.plusSeconds(3600));
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            String changed = token.substring(0, i) + (c == 'A' ? 'B' : 'A') + token.substring(i + 1);
            Verdict verdict = tokens.check(changed, NOW);
            // the last character carries 2 bits that decoding ignores; only a change of the real bits must fail
            if (!java.util.Arrays.equals(Base64.getUrlDecoder().decode(changed), Base64.getUrlDecoder().decode(token))) {
                assertThat(verdict).as("position %d", i).isEqualTo(Verdict.NOT_OURS);
            }
        }
    }

    @Test
    void anotherKeyAnUnsignedOldTokenAndGarbageAreNotOurs() {
        String token = tokens.issue(NOW.plusSeconds(3600));
        assertThat(SignedTokens.of(SignedTokens.randomSpec()).check(token, NOW)).isEqualTo(Verdict.NOT_OURS);
        assertThat(tokens.check("q9Vb3cT0mZ0xU2sKc1Yl1Q", NOW)).as("a 128-bit token of v1").isEqualTo(Verdict.NOT_OURS);
        assertThat(tokens.check(null, NOW)).isEqualTo(Verdict.NOT_OURS);
        assertThat(tokens.check("!".repeat(52), NOW)).isEqualTo(Verdict.NOT_OURS);
    }

    @Test
    void rotationSignsWithTheFirstKeyAndVerifiesWithAll() {
        String oldSpec = spec;
        String newKey = SignedTokens.randomSpec().replaceFirst("^1:", "2:");
        String before = tokens.issue(NOW.plusSeconds(3600));
        SignedTokens rotated = SignedTokens.of(newKey + "," + oldSpec);
        String after = rotated.issue(NOW.plusSeconds(3600));
        assertThat(rotated.check(before, NOW)).isEqualTo(Verdict.GENUINE);
        assertThat(rotated.check(after, NOW)).isEqualTo(Verdict.GENUINE);
        assertThat(tokens.check(after, NOW)).as("the old set does not know key 2").isEqualTo(Verdict.NOT_OURS);
    }

    @Test
    void aMissingOrWeakKeyIsRefusedWithoutQuotingIt() {
        assertThatThrownBy(() -> SignedTokens.of(null)).hasMessageContaining("VERIMAIL_LINK_KEY is not set");
        String weak = "1:" + Base64.getEncoder().encodeToString(new byte[8]);
        assertThatThrownBy(() -> SignedTokens.of(weak)).hasMessageContaining("at least 32 bytes")
                .hasMessageNotContaining(weak.substring(2));
        assertThatThrownBy(() -> SignedTokens.of("nonsense")).hasMessageContaining("id:base64key");
    }

    @Test
    void aCodeHashIsKeyedBoundToItsTokenAndCheckedInConstantTime() {
        String token = tokens.issue(NOW.plusSeconds(3600));
        String hash = tokens.codeHash(token, "042917");
        assertThat(hash).matches("[A-Za-z0-9_-]{43}");
        assertThat(tokens.codeMatches(token, "042917", hash)).isTrue();
        assertThat(tokens.codeMatches(token, "042918", hash)).isFalse();
        assertThat(tokens.codeMatches(tokens.issue(NOW.plusSeconds(3600)), "042917", hash))
                .as("another token's code").isFalse();
        assertThat(tokens.codeMatches(token, null, hash)).isFalse();
        assertThat(tokens.codeMatches(token, "042917", "garbage!")).isFalse();
        assertThat(tokens.codeMatches("!".repeat(52), "042917", hash)).isFalse();
        // without the link key the hash cannot be recomputed: another key gives another hash for the same token
        SignedTokens other = SignedTokens.of(SignedTokens.randomSpec());
        assertThat(other.codeMatches(token, "042917", hash)).isFalse();
    }

    @Test
    void aRotatedKeySetStillChecksCodesOfTheOldKey() {
        String token = tokens.issue(NOW.plusSeconds(3600));
        String hash = tokens.codeHash(token, "000001");
        SignedTokens rotated = SignedTokens.of(SignedTokens.randomSpec().replaceFirst("^1:", "2:") + "," + spec);
        assertThat(rotated.codeMatches(token, "000001", hash)).isTrue();
    }
}
