package dev.verimail.verification.web;

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
 * What anyone may call here (DESIGN.md, "Surfaces and access"): the link's page and its confirm button, the code's
 * page and its form, and the confirm APIs (link and code). Nothing else is public.
 */
@Configuration(proxyBeanMethods = false)
class Surfaces {

    @Bean
    SecurityFilterChain securityFilterChain(HttpSecurity http, OperatorTokens tokens, ClientAddresses clients,
            Environment environment) throws Exception {
        return ServiceSecurity.chain(http, tokens, clients, environment, open -> open
                .requestMatchers(HttpMethod.GET, "/verify", "/verify/code", "/css/**", "/favicon.ico").permitAll()
                .requestMatchers(HttpMethod.POST, "/verify", "/verify/code", "/api/verifications",
                        "/api/verifications/code").permitAll());
    }
}
