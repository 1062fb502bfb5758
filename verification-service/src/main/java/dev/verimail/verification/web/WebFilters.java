package dev.verimail.verification.web;

import java.net.URI;

import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.verimail.verification.config.VerificationProperties;
import dev.verimail.web.RequestBodyLimitFilter;
import dev.verimail.web.SecurityHeadersFilter;
import dev.verimail.web.StrictJsonInput;
import dev.verimail.web.StrictUtf8JsonFilter;

/** The shared HTTP edge of the JSON services (web-support), with this service's body limit and page policy. */
@Configuration(proxyBeanMethods = false)
class WebFilters {

    @Bean
    RequestBodyLimitFilter requestBodyLimitFilter(VerificationProperties properties) {
        return new RequestBodyLimitFilter(properties.maxRequestBody().toBytes());
    }

    @Bean
    StrictUtf8JsonFilter strictUtf8JsonFilter() {
        return new StrictUtf8JsonFilter();
    }

    /**
     * The verify pages hold the link's secret in their address (and the confirm page in its form). They load only
     * their own stylesheet and post only to {@code /verify} and, from the expired-link page, to registration-service's
     * resend form.
     */
    @Bean
    SecurityHeadersFilter securityHeadersFilter(VerificationProperties properties) {
        return new SecurityHeadersFilter(policy(properties.registrationBaseUrl()));
    }

    /** The policy for pages whose resend button posts to {@code registrationBaseUrl}. */
    static String policy(String registrationBaseUrl) {
        URI registration = URI.create(registrationBaseUrl);
        String origin = registration.getScheme() + "://" + registration.getRawAuthority();
        return SecurityHeadersFilter.SAME_ORIGIN_POLICY.replace("form-action 'self'", "form-action 'self' " + origin);
    }

    @Bean
    JsonMapperBuilderCustomizer strictJsonInput() {
        return StrictJsonInput.customizer();
    }
}
