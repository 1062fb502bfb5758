package dev.verimail.web.security;

import java.util.Arrays;
import java.util.Set;

import jakarta.servlet.DispatcherType;

import org.springframework.context.ApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.annotation.web.configurers.AuthorizeHttpRequestsConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.context.SecurityContextHolderFilter;

/**
 * The one security chain of every verimail service ({@code ../shared/DESIGN.md}, "Surfaces and access"): what the
 * service lists as public is open to anyone; every other endpoint needs the operator role (a path no endpoint serves
 * is a plain 404, {@link OperatorOnlyUnlessUnknown}), given by an operator bearer
 * token ({@link OperatorTokenFilter}); refusals are problem details (401, 403). Cross-site form posts are refused
 * ({@link CrossSiteFormFilter}). Stateless: no session, no saved request, no login page, no CSRF token (the Fetch
 * Metadata check does that job without a session). Spring's own security headers are off because every service sets
 * its own ({@code SecurityHeadersFilter}, with a per-page policy).
 *
 * The actuator is on the management port, which {@link ManagementPortGuard} keeps apart from the service port, and is
 * reachable there (bound to 127.0.0.1 by default); on the service port {@code /actuator/**} does not exist.
 */
public final class ServiceSecurity {

    public static final String OPERATOR_ROLE = OperatorTokenFilter.ROLE;

    private ServiceSecurity() {
    }

    /** Builds the chain; {@code publicSurface} permits what anyone may call. */
    public static SecurityFilterChain chain(HttpSecurity http, OperatorTokens tokens, ClientAddresses clients,
            Environment environment,
            Customizer<AuthorizeHttpRequestsConfigurer<HttpSecurity>.AuthorizationManagerRequestMatcherRegistry> publicSurface)
            throws Exception {
        ProblemAnswers answers = new ProblemAnswers();
        http.csrf(AbstractHttpConfigurer::disable)
                .headers(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .exceptionHandling(e -> e.authenticationEntryPoint(answers).accessDeniedHandler(answers))
                .addFilterAfter(new CrossSiteFormFilter(trustedOrigins(environment)), SecurityContextHolderFilter.class)
                .addFilterBefore(new OperatorTokenFilter(tokens, clients), AnonymousAuthenticationFilter.class)
                .authorizeHttpRequests(requests -> {
                    // error pages of public requests, and the actuator (management port only, see ManagementPortGuard)
                    requests.dispatcherTypeMatchers(DispatcherType.ERROR, DispatcherType.FORWARD).permitAll();
                    requests.requestMatchers("/error", "/actuator/**").permitAll();
                    publicSurface.customize(requests);
                    requests.anyRequest().access(new OperatorOnlyUnlessUnknown(http.getSharedObject(ApplicationContext.class)));
                });
        return http.build();
    }

    private static Set<String> trustedOrigins(Environment environment) {
        String configured = environment.getProperty("verimail.trusted-origins", "");
        return Set.copyOf(Arrays.stream(configured.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList());
    }
}
