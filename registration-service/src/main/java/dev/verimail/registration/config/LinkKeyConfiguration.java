package dev.verimail.registration.config;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.verimail.web.link.SignedTokens;

/**
 * The link key shared by registration-service (signs link tokens) and verification-service (checks them), from
 * {@code VERIMAIL_LINK_KEY}. There is no default: without it the service does not start, naming the variable.
 */
@Configuration(proxyBeanMethods = false)
class LinkKeyConfiguration {

    @Bean
    SignedTokens signedTokens(@Value("${verimail.link-key:}") String spec) {
        return SignedTokens.of(spec);
    }
}
