package dev.verimail.registration.config;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.verimail.events.secret.SecretBox;
import dev.verimail.web.link.SignedTokens;

/**
 * The link key shared by registration-service (signs link tokens) and verification-service (checks them), from
 * {@code VERIMAIL_LINK_KEY}, and the key that seals authcodes. There is no default: without it the service does not start, naming the variable.
 */
@Configuration(proxyBeanMethods = false)
class LinkKeyConfiguration {

    @Bean
    SignedTokens signedTokens(@Value("${verimail.link-key:}") String spec) {
        return SignedTokens.of(spec);
    }

    /**
     * Seals each authcode for the mailer, from {@code VERIMAIL_SECRET_KEYS} (held by registration-service and
     * mailer-service only). No default: without it the service does not start, naming the variable.
     */
    @Bean
    SecretBox secretBox(@Value("${verimail.secret-keys:}") String spec) {
        return SecretBox.parse(spec);
    }
}
