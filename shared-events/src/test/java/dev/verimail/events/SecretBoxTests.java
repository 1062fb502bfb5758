package dev.verimail.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;

import org.junit.jupiter.api.Test;

import dev.verimail.events.secret.AuthcodeDigest;
import dev.verimail.events.secret.SecretBox;
import dev.verimail.events.secret.UnsealException;

class SecretBoxTests {

    private static final String KEY_1 = Base64.getEncoder().encodeToString(bytes(32, 1));
    private static final String KEY_2 = Base64.getUrlEncoder().encodeToString(bytes(32, 2));
    private static final String CONTEXT = SecretBox.authcodeContext(42, "token-of-42");

    @Test
    void sealsWithTheFirstKeyAndOpensWithAnyListedOne() {
        SecretBox old = SecretBox.parse("1:" + KEY_1);
        SecretBox rotated = SecretBox.parse("2:" + KEY_2 + ", 1:" + KEY_1);

        String sealedByOld = old.seal("the-authcode", CONTEXT);
        String sealedByNew = rotated.seal("the-authcode", CONTEXT);

        assertThat(sealedByOld).startsWith("1:").doesNotContain("the-authcode");
        assertThat(sealedByNew).startsWith("2:");
        assertThat(rotated.open(sealedByOld, CONTEXT)).isEqualTo("the-authcode");
        assertThat(rotated.open(sealedByNew, CONTEXT)).isEqualTo("the-authcode");
        assertThatThrownBy(() -> old.open(sealedByNew, CONTEXT)).isInstanceOf(UnsealException.class)
                .hasMessageContaining("key id 2");
    }

    @Test
    void eachSealIsDifferentAndNoneOpensForAnotherChallengeOrWhenAltered() {
        SecretBox box = SecretBox.parse("1:" + KEY_1);
        String a = box.seal("the-authcode", CONTEXT);

        assertThat(box.seal("the-authcode", CONTEXT)).isNotEqualTo(a);
        assertThatThrownBy(() -> box.open(a, SecretBox.authcodeContext(43, "token-of-42")))
                .isInstanceOf(UnsealException.class).hasMessageContaining("another challenge");
        char[] altered = a.toCharArray();
        altered[10] = altered[10] == 'A' ? 'B' : 'A';
        assertThatThrownBy(() -> box.open(new String(altered), CONTEXT)).isInstanceOf(UnsealException.class);
        assertThatThrownBy(() -> box.open("the-authcode", CONTEXT)).isInstanceOf(UnsealException.class)
                .message().doesNotContain("the-authcode");
        assertThat(SecretBox.isSealed(a)).isTrue();
        assertThat(SecretBox.isSealed("Wm0sQ1Qy3nB0eXJ2M2xqZw")).isFalse();
    }

    @Test
    void refusesKeysThatAreMissingShortRepeatedOrMalformedWithoutEchoingThem() {
        assertThatThrownBy(() -> SecretBox.parse("")).hasMessageContaining("VERIMAIL_SECRET_KEYS is not set");
        assertThatThrownBy(() -> SecretBox.parse(null)).isInstanceOf(IllegalArgumentException.class);
        String shortKey = Base64.getEncoder().encodeToString(bytes(16, 3));
        assertThatThrownBy(() -> SecretBox.parse("1:" + shortKey)).hasMessageContaining("16 bytes")
                .message().doesNotContain(shortKey);
        assertThatThrownBy(() -> SecretBox.parse("1:" + KEY_1 + ",1:" + KEY_2)).hasMessageContaining("twice");
        assertThatThrownBy(() -> SecretBox.parse("0:" + KEY_1)).hasMessageContaining("1-255");
        assertThatThrownBy(() -> SecretBox.parse(KEY_1)).hasMessageContaining("id:base64key");
        assertThatThrownBy(() -> SecretBox.parse("x:" + KEY_1)).hasMessageContaining("numeric");
        assertThat(SecretBox.parse("1:" + KEY_1).toString()).doesNotContain(KEY_1);
    }

    @Test
    void theDigestIsBase64urlSha256() {
        String hash = AuthcodeDigest.of("abc");
        assertThat(hash).isEqualTo("ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0");
        assertThat(AuthcodeDigest.decode(hash)).isEqualTo(AuthcodeDigest.bytes("abc"));
        assertThatThrownBy(() -> AuthcodeDigest.decode("abc")).isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] bytes(int n, int value) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) value);
        return b;
    }
}
