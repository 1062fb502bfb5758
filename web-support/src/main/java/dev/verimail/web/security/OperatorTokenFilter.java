package dev.verimail.web.security;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Reads {@code Authorization: Bearer <token>}: an operator token authenticates the request as the operator (role
 * {@code OPERATOR}); any other token leaves it anonymous, so an operator API answers 401 and a public one answers as
 * it does to anyone. A refused token is logged with the caller's address and the path, never the token, and at most
 * one line every ten seconds (the count of the others goes with the next), so a guessing script cannot flood the log.
 * Other schemes ({@code Basic} from a proxy, say) are ignored.
 */
final class OperatorTokenFilter extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(OperatorTokenFilter.class);

    private static final long LOG_EVERY_NANOS = 10_000_000_000L;

    static final String ROLE = "OPERATOR";

    private static final List<SimpleGrantedAuthority> AUTHORITIES = List.of(new SimpleGrantedAuthority("ROLE_" + ROLE));

    private final OperatorTokens tokens;
    private final ClientAddresses clients;
    private final AtomicLong lastLogged = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);
    private final AtomicLong unlogged = new AtomicLong();

    OperatorTokenFilter(OperatorTokens tokens, ClientAddresses clients) {
        this.tokens = tokens;
        this.clients = clients;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String token = presentedToken(request);
        if (token != null) {
            if (tokens.matches(token)) {
                var context = SecurityContextHolder.createEmptyContext();
                context.setAuthentication(UsernamePasswordAuthenticationToken.authenticated("operator", null, AUTHORITIES));
                SecurityContextHolder.setContext(context);
            }
            else {
                refused(request);
            }
        }
        chain.doFilter(request, response);
    }

    /** The token of a {@code Bearer} header, or null. */
    static String presentedToken(HttpServletRequest request) {
        String header = request.getHeader("Authorization");
        if (header == null || header.length() <= 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = header.substring(7).strip();
        return token.isEmpty() ? null : token;
    }

    private void refused(HttpServletRequest request) {
        long now = System.nanoTime();
        long last = lastLogged.get();
        if (now - last >= LOG_EVERY_NANOS && lastLogged.compareAndSet(last, now)) {
            long others = unlogged.getAndSet(0);
            log.warn("Refused a bearer token that is not an operator token, from {} for {} {}{}{}", clients.of(request),
                    request.getMethod(), request.getRequestURI(),
                    tokens.isEmpty() ? " (VERIMAIL_OPERATOR_TOKENS is not set: operator APIs are closed)" : "",
                    others > 0 ? " (and " + others + " other refused tokens since the last line)" : "");
        }
        else {
            unlogged.incrementAndGet();
        }
    }
}
