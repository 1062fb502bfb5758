package dev.verimail.mailer.web;

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
 * The mailer serves no person (DESIGN.md, "Surfaces and access"): the delivery records ({@code GET /api/deliveries})
 * and the re-drive ({@code /admin/**}) need an operator token. SendCloud's webhook ({@code POST /webhooks/sendcloud})
 * is open and checks its signature itself (off without {@code SENDCLOUD_WEBHOOK_KEY}). The only open pages are the built-in inbox's, which
 * exist only with {@code MAILER_TRANSPORT=inbox}, a development setting (the one-command stack binds it to
 * 127.0.0.1); with {@code sendcloud} those paths are not served at all.
 */
@Configuration(proxyBeanMethods = false)
class Surfaces {

    @Bean
    SecurityFilterChain securityFilterChain(HttpSecurity http, OperatorTokens tokens, ClientAddresses clients,
            Environment environment) throws Exception {
        return ServiceSecurity.chain(http, tokens, clients, environment, open -> open
                .requestMatchers(HttpMethod.GET, "/inbox", "/api/inbox", "/css/**", "/favicon.ico").permitAll()
                // SendCloud's signed delivery events: the signature is the caller's identity (webhook.SendCloudWebhook)
                .requestMatchers(HttpMethod.POST, "/webhooks/sendcloud").permitAll());
    }
}
