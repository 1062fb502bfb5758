package dev.verimail.verification.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class CodeLimitTests {

    @Test
    void parsesCountPerDurationAndOff() {
        assertThat(CodeLimit.parse("x", "50/1h")).isEqualTo(new CodeLimit(50, Duration.ofHours(1)));
        assertThat(CodeLimit.parse("x", " 20 / 10m ")).isEqualTo(new CodeLimit(20, Duration.ofMinutes(10)));
        assertThat(CodeLimit.parse("x", "5/d")).isEqualTo(new CodeLimit(5, Duration.ofDays(1)));
        assertThat(CodeLimit.parse("x", "OFF").isOff()).isTrue();
    }

    @Test
    void refusesAnythingElseNamingTheSetting() {
        assertThatThrownBy(() -> CodeLimit.parse("verification.limits.code-per-client", "lots"))
                .hasMessageContaining("verification.limits.code-per-client").hasMessageContaining("COUNT/DURATION");
        assertThatThrownBy(() -> CodeLimit.parse("x", "0/1h")).hasMessageContaining("positive");
        assertThatThrownBy(() -> new VerificationProperties.Limits("50 an hour"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
