package dev.verimail.web;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses JSON bodies that are not well-formed UTF-8 with 400 {@code malformed-json}. Jackson's own decoder accepts
 * overlong sequences ({@code C0 AF} reads as {@code /}), a classic way to slip characters past a check; the JDK's
 * decoder does not. Runs after {@link RequestBodyLimitFilter}, so at most the body limit is buffered.
 */
public class StrictUtf8JsonFilter extends OncePerRequestFilter implements Ordered {

    /** Right after the body limit and the security headers. */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 2;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String type = request.getContentType();
        if (type == null) {
            return true;
        }
        try {
            MediaType media = MediaType.parseMediaType(type);
            return !(media.isCompatibleWith(MediaType.APPLICATION_JSON) || media.getSubtype().endsWith("+json"))
                    || (media.getCharset() != null && !media.getCharset().equals(StandardCharsets.UTF_8));
        }
        catch (RuntimeException e) {
            return true; // an unreadable Content-Type is refused later, with 415
        }
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        byte[] body;
        try {
            body = request.getInputStream().readAllBytes();
        }
        catch (RequestBodyLimitFilter.PayloadTooLargeException e) {
            RequestBodyLimitFilter.write(response, RequestBodyLimitFilter.problem(e.limit()));
            return;
        }
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body));
        }
        catch (CharacterCodingException e) {
            RequestBodyLimitFilter.write(response, Problems.of(HttpStatus.BAD_REQUEST, "malformed-json",
                    "Malformed JSON", "The request body is not valid UTF-8."));
            return;
        }
        chain.doFilter(new BufferedRequest(request, body), response);
    }

    private static final class BufferedRequest extends HttpServletRequestWrapper {

        private final byte[] body;

        BufferedRequest(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {

                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("blocking reads only");
                }
            };
        }
    }
}
