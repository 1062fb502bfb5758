package dev.verimail.web.security;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.ProviderNotFoundException;
import org.springframework.security.config.observation.SecurityObservationSettings;

/**
 * What the services' security chains ({@link ServiceSecurity}) share: the operator tokens, the client address
 * resolver and the management port guard. No user store and no password login: the only credential is an operator
 * bearer token, so Boot's generated default user is replaced by an authentication manager that accepts nothing.
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
public class WebSecurityAutoConfiguration {

    private static final Logger log = LoggerFactory.getLogger(WebSecurityAutoConfiguration.class);

    @Bean
    OperatorTokens operatorTokens(Environment environment) {
        OperatorTokens tokens = OperatorTokens.parse(environment.getProperty("verimail.operator-tokens"));
        if (tokens.isEmpty()) {
            log.warn("VERIMAIL_OPERATOR_TOKENS is not set: the operator APIs answer 401 to everyone");
        }
        else {
            log.info("Operator APIs open to {} operator token(s)", tokens.size());
        }
        return tokens;
    }

    @Bean
    ClientAddresses clientAddresses(Environment environment) {
        return ClientAddresses.trusting(environment.getProperty("verimail.trusted-proxies"));
    }

    @Bean
    static ManagementPortGuard managementPortGuard(Environment environment) {
        return new ManagementPortGuard(environment);
    }

    /**
     * No Micrometer observation of each security filter, of the chain and of each authorization decision: with
     * observations on (Spring Security's default when an ObservationRegistry exists, as with the actuator) they cost
     * about a tenth of a sign-up's CPU in the benchmark (JFR: ObservationFilterChainDecorator and the long-task timers
     * it starts, BENCHMARKS.md). {@code http.server.requests} still times every request.
     */
    @Bean
    SecurityObservationSettings noSecurityObservations() {
        return SecurityObservationSettings.noObservations();
    }

    @Bean
    AuthenticationManager noPasswordLogins() {
        return authentication -> {
            throw new ProviderNotFoundException("verimail has no password logins; operators use bearer tokens");
        };
    }
}
