package dev.verimail.registration.web;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

import dev.verimail.web.security.ClientAddresses;
import dev.verimail.web.security.OperatorTokens;
import dev.verimail.web.security.ServiceSecurity;

/**
 * What anyone may call here (DESIGN.md, "Surfaces and access"): the sign-up and resend pages and APIs, and the status
 * of a registration. The full registration record ({@code GET /api/registrations/{id}} with an operator token) and
 * anything else need an operator token.
 */
@Configuration(proxyBeanMethods = false)
class Surfaces {

    @Bean
    SecurityFilterChain securityFilterChain(HttpSecurity http, OperatorTokens tokens, ClientAddresses clients,
            Environment environment) throws Exception {
        return ServiceSecurity.chain(http, tokens, clients, environment, open -> open
                .requestMatchers(HttpMethod.GET, "/", "/register", "/register/check-email", "/register/resend",
                        "/css/**", "/favicon.ico")
                .permitAll()
                .requestMatchers(HttpMethod.POST, "/register", "/register/resend", "/api/registrations",
                        "/api/registrations/resend")
                .permitAll()
                // answers {"id","status"} to anyone and the full record to an operator (RegistrationApi)
                .requestMatchers(HttpMethod.GET, "/api/registrations/*").permitAll());
    }
}
