package dev.verimail.web.limit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class RateTests {

    @Test
    void readsCountSlashDurationInAnyCaseAndSpacingAndOff() {
        assertThat(Rate.parse("X", "5/24h")).isEqualTo(new Rate(5, Duration.ofHours(24)));
        assertThat(Rate.parse("X", " 20 / 10M ")).isEqualTo(new Rate(20, Duration.ofMinutes(10)));
        assertThat(Rate.parse("X", "3/d")).isEqualTo(new Rate(3, Duration.ofDays(1)));
        assertThat(Rate.parse("X", "7/30s")).isEqualTo(new Rate(7, Duration.ofSeconds(30)));
        assertThat(Rate.parse("X", "OFF")).isSameAs(Rate.OFF);
        assertThat(Rate.OFF.isOff()).isTrue();
        assertThat(Rate.parse("X", "50/1h")).hasToString("50 per PT1H");
    }

    @Test
    void refusesWhatIsNotAPositiveRateAndNamesTheSetting() {
        for (String bad : new String[] { "", "5", "5/", "/1h", "0/1h", "5/0h", "5/1w", "-1/1h", "five/1h", "lots" }) {
            assertThatThrownBy(() -> Rate.parse("SOME_LIMIT", bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SOME_LIMIT");
        }
        assertThatThrownBy(() -> Rate.parse("X", null)).hasMessageContaining("COUNT/DURATION");
    }
}
