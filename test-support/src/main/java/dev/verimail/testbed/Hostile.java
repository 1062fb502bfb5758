package dev.verimail.testbed;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The hostile-input corpus of this service, kept as data in {@code src/test/resources/hostile/*.txt}: one input per
 * line, tab-separated columns, a backslash, u and {HEX} for a code point and a backslash, x and {HH} for a raw byte. Plus the checks
 * every answer must pass, and a raw socket client for requests no well-behaved HTTP client would send.
 */
public final class Hostile {

    private static final Pattern ESCAPE = Pattern.compile("\\\\u\\{([0-9A-Fa-f]{1,6})}|\\\\x\\{([0-9A-Fa-f]{2})}");

    /** What the service must never show: a trace, an exception name, a SQL error. */
    private static final List<String> LEAKS = List.of("Exception", "at dev.", "at org.", "at java.", "SQLState",
            "SQLSyntax", "Whitelabel", "jakarta.", "tools.jackson", "Apache Tomcat/");

    private Hostile() {
    }

    /** One line of a corpus file: the expectation, the category and the remaining columns. */
    public record Entry(String expect, String category, List<String> columns) {

        public String value() {
            return columns.get(columns.size() - 1);
        }

        /** The last column as text; only for lines without raw bytes. */
        public String text() {
            return new String(bytes(value(), () -> ""), StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            String shown = value().length() > 60 ? value().substring(0, 60) + "…" : value();
            return expect + " " + category + " " + shown;
        }
    }

    public static List<Entry> load(String resource) {
        try (InputStream in = Hostile.class.getResourceAsStream("/hostile/" + resource)) {
            if (in == null) {
                throw new IllegalStateException("no corpus " + resource);
            }
            List<Entry> entries = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n", -1)) {
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] cols = line.split("\t", -1);
                entries.add(new Entry(cols[0], cols[1], List.of(cols).subList(2, cols.length)));
            }
            return entries;
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Decodes the escapes of a corpus value; {@code {{EMAIL}}} becomes a fresh address. */
    public static byte[] bytes(String value, Supplier<String> freshEmail) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String s = value.contains("{{EMAIL}}") ? value.replace("{{EMAIL}}", freshEmail.get()) : value;
        Matcher m = ESCAPE.matcher(s);
        int last = 0;
        while (m.find()) {
            out.writeBytes(s.substring(last, m.start()).getBytes(StandardCharsets.UTF_8));
            if (m.group(1) != null) {
                out.writeBytes(Character.toString(Integer.parseInt(m.group(1), 16)).getBytes(StandardCharsets.UTF_8));
            }
            else {
                out.write(Integer.parseInt(m.group(2), 16));
            }
            last = m.end();
        }
        out.writeBytes(s.substring(last).getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    /** Never a 5xx, never a trace, never an exception or SQL error in the body. */
    public static void assertNoServerErrorNorLeak(int status, String body) {
        assertThat(status).as("status, body: %s", abbreviate(body)).isBetween(200, 499);
        for (String leak : LEAKS) {
            assertThat(body).as("body leaks %s", leak).doesNotContain(leak);
        }
    }

    public static boolean matches(String expected, int status) {
        return expected.equals("4xx") ? status >= 400 && status < 500 : Integer.parseInt(expected) == status;
    }

    /** What Thymeleaf's {@code th:text} and {@code th:value} make of a value. */
    public static String escaped(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&#39;");
    }

    public static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }

    /** A raw HTTP/1.1 exchange over a socket: the answer's status (0 if the server just closed) and text. */
    public record RawResponse(int status, String text) {
    }

    public static RawResponse raw(int port, byte[] request) {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(15_000);
            OutputStream out = socket.getOutputStream();
            out.write(request);
            out.flush();
            socket.shutdownOutput();
            byte[] answer = socket.getInputStream().readAllBytes();
            String text = new String(answer, StandardCharsets.ISO_8859_1);
            int status = 0;
            if (text.startsWith("HTTP/1.1 ") && text.length() >= 12) {
                status = Integer.parseInt(text.substring(9, 12));
            }
            return new RawResponse(status, text);
        }
        catch (IOException e) {
            // a reset connection is a refusal too, as long as nothing was stored
            return new RawResponse(0, "");
        }
    }

    public static byte[] request(String head, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head.getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(body);
        return out.toByteArray();
    }
}
