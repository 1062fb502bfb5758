package dev.verimail.verification.web;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.verimail.verification.config.VerificationProperties;
import dev.verimail.web.RequestBodyLimitFilter;
import dev.verimail.web.StrictUtf8JsonFilter;

/** The shared request filters of the JSON services, with this service's body limit. */
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
}
