package dev.verimail.web.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OperatorTokensTests {

    private static final String ONE = "a".repeat(32);
    private static final String TWO = "0123456789abcdefghijklmnopqrstuvwxyz";

    @Test
    void matchesEveryConfiguredTokenAndNothingElse() {
        OperatorTokens tokens = OperatorTokens.parse(" " + ONE + " ,," + TWO);

        assertThat(tokens.size()).isEqualTo(2);
        assertThat(tokens.matches(ONE)).isTrue();
        assertThat(tokens.matches(TWO)).isTrue();
        assertThat(tokens.matches(ONE + "a")).isFalse();
        assertThat(tokens.matches(ONE.substring(1))).isFalse();
        assertThat(tokens.matches("")).isFalse();
    }

    @Test
    void noneConfiguredMatchesNothing() {
        assertThat(OperatorTokens.parse(null).matches(ONE)).isFalse();
        assertThat(OperatorTokens.parse("  ").isEmpty()).isTrue();
    }

    @Test
    void aShortTokenRefusesTheStartAndTheMessageDoesNotQuoteIt() {
        assertThatThrownBy(() -> OperatorTokens.parse(ONE + ",short-secret"))
                .hasMessageContaining("VERIMAIL_OPERATOR_TOKENS").hasMessageContaining("#2")
                .hasMessageNotContaining("short-secret");
    }
}
