package dev.verimail.web.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

class ClientAddressesTests {

    private static MockHttpServletRequest from(String remote, String... forwardedFor) {
        MockHttpServletRequest request = new MockHttpServletRequest();
        request.setRemoteAddr(remote);
        for (String header : forwardedFor) {
            request.addHeader("X-Forwarded-For", header);
        }
        return request;
    }

    @Test
    void withoutTrustedProxiesTheSocketsAddressCountsWhateverTheHeaderSays() {
        ClientAddresses clients = ClientAddresses.trusting("");

        assertThat(clients.of(from("198.51.100.9", "203.0.113.1"))).isEqualTo("198.51.100.9");
    }

    @Test
    void anUntrustedSocketCannotChooseItsAddress() {
        ClientAddresses clients = ClientAddresses.trusting("10.0.0.0/8");

        assertThat(clients.of(from("198.51.100.9", "203.0.113.1"))).isEqualTo("198.51.100.9");
    }

    @Test
    void behindTrustedProxiesTheRightMostUntrustedHopCounts() {
        ClientAddresses clients = ClientAddresses.trusting("10.0.0.0/8, 192.168.1.1");

        // the client sent its own X-Forwarded-For (spoofed 1.2.3.4); the proxies appended what they saw
        assertThat(clients.of(from("10.1.2.3", "1.2.3.4, 203.0.113.7, 192.168.1.1"))).isEqualTo("203.0.113.7");
        assertThat(clients.of(from("10.1.2.3", "1.2.3.4", "203.0.113.7"))).isEqualTo("203.0.113.7");
        assertThat(clients.of(from("10.1.2.3"))).isEqualTo("10.1.2.3");
        assertThat(clients.of(from("10.1.2.3", "not-an-address"))).isEqualTo("10.1.2.3");
        assertThat(clients.of(from("10.1.2.3", "2001:db8::1"))).isEqualTo("2001:db8::1");
    }

    @Test
    void aBadEntryRefusesTheStart() {
        assertThatThrownBy(() -> ClientAddresses.trusting("10.0.0.0/33")).hasMessageContaining("VERIMAIL_TRUSTED_PROXIES");
        assertThatThrownBy(() -> ClientAddresses.trusting("proxy.example.com")).hasMessageContaining("not an IP");
    }
}
