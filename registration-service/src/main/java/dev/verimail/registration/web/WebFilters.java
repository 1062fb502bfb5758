package dev.verimail.registration.web;

import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.verimail.registration.config.RegistrationProperties;
import dev.verimail.web.RequestBodyLimitFilter;
import dev.verimail.web.SecurityHeadersFilter;
import dev.verimail.web.StrictJsonInput;
import dev.verimail.web.StrictUtf8JsonFilter;

/** The shared HTTP edge of the JSON services (web-support), with this service's body limit and page policy. */
@Configuration(proxyBeanMethods = false)
class WebFilters {

    @Bean
    RequestBodyLimitFilter requestBodyLimitFilter(RegistrationProperties properties) {
        return new RequestBodyLimitFilter(properties.maxRequestBody().toBytes());
    }

    @Bean
    StrictUtf8JsonFilter strictUtf8JsonFilter() {
        return new StrictUtf8JsonFilter();
    }

    /** The pages load only their own stylesheet and post only to this service. */
    @Bean
    SecurityHeadersFilter securityHeadersFilter() {
        return new SecurityHeadersFilter(SecurityHeadersFilter.SAME_ORIGIN_POLICY);
    }

    @Bean
    JsonMapperBuilderCustomizer strictJsonInput() {
        return StrictJsonInput.customizer();
    }
}
