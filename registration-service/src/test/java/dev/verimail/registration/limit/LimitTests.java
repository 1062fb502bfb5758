package dev.verimail.registration.limit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class LimitTests {

    @Test
    void parsesCountPerDuration() {
        assertThat(Limit.parse("X", "5/24h")).isEqualTo(new Limit(5, Duration.ofHours(24)));
        assertThat(Limit.parse("X", "30/10m")).isEqualTo(new Limit(30, Duration.ofMinutes(10)));
        assertThat(Limit.parse("X", " 10000 / 1H ")).isEqualTo(new Limit(10_000, Duration.ofHours(1)));
        assertThat(Limit.parse("X", "3/d")).isEqualTo(new Limit(3, Duration.ofDays(1)));
        assertThat(Limit.parse("X", "OFF").isOff()).isTrue();
    }

    @Test
    void aBurstOfCountThenOneEveryInterval() {
        Limit limit = Limit.parse("X", "5/24h");

        assertThat(limit.intervalMicros()).isEqualTo(Duration.ofHours(24).dividedBy(5).toNanos() / 1000);
        assertThat(limit.burstMicros()).isEqualTo(4 * limit.intervalMicros());
    }

    @Test
    void refusesWhatIsNotARateAndNamesTheSetting() {
        for (String bad : new String[] { "", "5", "5/", "/1h", "0/1h", "5/0h", "5/1w", "-1/1h", "five/1h" }) {
            assertThatThrownBy(() -> Limit.parse("REGISTRATION_LIMITS_PER_EMAIL", bad)).as(bad)
                    .hasMessageContaining("REGISTRATION_LIMITS_PER_EMAIL");
        }
    }
}
