package dev.verimail.web.security;

import java.io.IOException;
import java.net.URI;
import java.util.Locale;
import java.util.Set;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

import dev.verimail.web.Problems;
import dev.verimail.web.RequestBodyLimitFilter;

/**
 * Refuses a POST (PUT, PATCH, DELETE) that a page of another site made a browser send: 403 {@code cross-site-request}.
 * Only what an HTML form can send without asking the server first is checked (form-encoded, multipart, plain text, or
 * no body type): a JSON API call from another site needs a CORS pre-flight, which these services never grant, and
 * JSON clients that are not browsers send no such headers, so they work as before.
 *
 * The browser says where the request comes from: {@code Sec-Fetch-Site} (every current browser) is trusted first;
 * {@code cross-site} is refused, {@code same-origin}, {@code same-site} (a sibling port or sub-domain, such as the
 * verification page posting a resend to registration) and {@code none} (typed or bookmarked) pass. Without it, an
 * {@code Origin} whose host is not the request's host, nor one of the configured trusted origins, is refused, and so
 * is {@code Origin: null}. A request with neither header is not from a browser that could be tricked, and passes.
 * No token in the form and no session: the pages stay cacheable and sign-up creates no session.
 */
public final class CrossSiteFormFilter extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(CrossSiteFormFilter.class);

    private static final Set<String> UNSAFE = Set.of("POST", "PUT", "PATCH", "DELETE");

    private static final Set<String> FORM_TYPES = Set.of("application/x-www-form-urlencoded", "multipart/form-data",
            "text/plain");

    private final Set<String> trustedOrigins;

    /** @param trustedOrigins origins ({@code https://signup.example.com}) besides the request's own host */
    public CrossSiteFormFilter(Set<String> trustedOrigins) {
        this.trustedOrigins = Set.copyOf(trustedOrigins.stream().map(o -> o.strip().toLowerCase(Locale.ROOT))
                .filter(o -> !o.isEmpty()).toList());
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (UNSAFE.contains(request.getMethod()) && isFormLike(request.getContentType()) && isCrossSite(request)) {
            log.info("Refused a cross-site {} {} (Sec-Fetch-Site {}, Origin {})", request.getMethod(),
                    request.getRequestURI(), request.getHeader("Sec-Fetch-Site"), request.getHeader("Origin"));
            RequestBodyLimitFilter.write(response, Problems.of(HttpStatus.FORBIDDEN, "cross-site-request",
                    "Cross-site request refused", "This form can only be sent from this site's own pages."));
            return;
        }
        chain.doFilter(request, response);
    }

    private static boolean isFormLike(String contentType) {
        if (contentType == null) {
            return true;
        }
        int semicolon = contentType.indexOf(';');
        String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
        return type.isEmpty() || FORM_TYPES.contains(type);
    }

    private boolean isCrossSite(HttpServletRequest request) {
        String site = request.getHeader("Sec-Fetch-Site");
        if (site != null) {
            return site.strip().equalsIgnoreCase("cross-site");
        }
        String origin = request.getHeader("Origin");
        if (origin == null) {
            return false;
        }
        String normalized = origin.strip().toLowerCase(Locale.ROOT);
        if (trustedOrigins.contains(normalized)) {
            return false;
        }
        try {
            String host = URI.create(normalized).getHost();
            return host == null || !host.equalsIgnoreCase(request.getServerName());
        }
        catch (IllegalArgumentException e) {
            return true;
        }
    }
}
