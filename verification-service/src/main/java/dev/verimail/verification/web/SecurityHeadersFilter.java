package dev.verimail.verification.web;

import java.io.IOException;
import java.net.URI;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import dev.verimail.verification.config.VerificationProperties;

/**
 * Security headers on every response. The verify pages hold the link's secret in their address (and the confirm
 * page in its form): no cache may keep them, no other site may learn the address through {@code Referer}, and no
 * page may frame the confirm button to trick a click. The pages load only their own stylesheet and post only to
 * {@code /verify} and, from the expired-link page, to registration-service's resend form.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
class SecurityHeadersFilter extends OncePerRequestFilter {

    private final String contentSecurityPolicy;

    SecurityHeadersFilter(VerificationProperties properties) {
        this.contentSecurityPolicy = policy(properties.registrationBaseUrl());
    }

    /** The policy for pages whose resend button posts to {@code registrationBaseUrl}. */
    static String policy(String registrationBaseUrl) {
        URI registration = URI.create(registrationBaseUrl);
        String origin = registration.getScheme() + "://" + registration.getRawAuthority();
        return "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self' " + origin
                + "; frame-ancestors 'none'; base-uri 'none'";
    }

    @Override
    protected boolean shouldNotFilterErrorDispatch() {
        return false;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        response.setHeader("Content-Security-Policy", contentSecurityPolicy);
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("X-Frame-Options", "DENY");
        if (!request.getRequestURI().startsWith("/css/")) {
            response.setHeader("Cache-Control", "no-store");
        }
        chain.doFilter(request, response);
    }
}
