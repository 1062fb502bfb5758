package dev.verimail.mailer.config;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.verimail.events.secret.SecretBox;

/**
 * Opens the authcodes registration-service seals for this service, with {@code VERIMAIL_SECRET_KEYS} (the same
 * keys as registration-service's; the first seals, all open). No default: without it the mailer does not start,
 * naming the variable. The deliveries keep the authcode sealed too; it is opened only to build the email.
 */
@Configuration(proxyBeanMethods = false)
class SecretKeyConfiguration {

    @Bean
    SecretBox secretBox(@Value("${verimail.secret-keys:}") String spec) {
        return SecretBox.parse(spec);
    }
}
