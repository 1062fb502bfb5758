package dev.verimail.web.security;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

class ManagementPortGuardTests {

    private static ManagementPortGuard guard(String server, String management) {
        MockEnvironment environment = new MockEnvironment().withProperty("server.port", server);
        if (management != null) {
            environment.setProperty("management.server.port", management);
        }
        return new ManagementPortGuard(environment);
    }

    @Test
    void theActuatorOnThePublicPortRefusesTheStart() {
        assertThatThrownBy(() -> guard("8081", null).afterPropertiesSet()).hasMessageContaining("MANAGEMENT_SERVER_PORT");
        assertThatThrownBy(() -> guard("8081", "8081").afterPropertiesSet()).hasMessageContaining("equals SERVER_PORT");
    }

    @Test
    void aPortOfItsOwnOrNoActuatorStarts() {
        assertThatCode(() -> guard("8081", "9081").afterPropertiesSet()).doesNotThrowAnyException();
        assertThatCode(() -> guard("8081", "-1").afterPropertiesSet()).doesNotThrowAnyException();
        assertThatCode(() -> guard("0", "0").afterPropertiesSet()).doesNotThrowAnyException();
    }
}
