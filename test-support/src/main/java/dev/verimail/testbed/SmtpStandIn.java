package dev.verimail.testbed;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

/**
 * A small real SMTP server on 127.0.0.1 for tests: enough ESMTP for Jakarta Mail (EHLO/HELO, optional AUTH PLAIN,
 * MAIL FROM, RCPT TO, DATA, RSET, NOOP, QUIT; no STARTTLS, so clients must have it switched off). It keeps every
 * accepted message, raw and parsed, and can be told to fail: the next N {@code DATA} (answered after the message
 * was transmitted, so nothing is kept) or {@code RCPT}, one recipient for good, a wrong login. {@link #stop()} closes
 * the listening socket and every open connection (an outage: connections are refused); {@link #start()} listens on
 * the same port again. One daemon thread per connection (Java 17: no virtual threads).
 */
public final class SmtpStandIn implements AutoCloseable {

    /** An accepted message: envelope and the message as transmitted (dot-unstuffed, CRLF line ends). */
    public record Received(Instant at, String from, List<String> to, String raw) {

        /** The message parsed by Jakarta Mail. */
        public MimeMessage message() {
            try {
                return new MimeMessage(Session.getInstance(new Properties()),
                        new ByteArrayInputStream(raw.getBytes(StandardCharsets.ISO_8859_1)));
            }
            catch (MessagingException e) {
                throw new IllegalStateException(e);
            }
        }

        /** The first value of a header, unfolded, or null. */
        public String header(String name) {
            try {
                return message().getHeader(name, null);
            }
            catch (MessagingException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** A scripted reply: code and text, e.g. {@code 451 4.3.0 Try again later}. */
    public record Reply(int code, String text) {

        String line() {
            return code + " " + text;
        }
    }

    private final int port;
    private final String greeting = "smtp-stand-in";
    private volatile ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Object storing = new Object();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger dataFailures = new AtomicInteger();
    private volatile Reply dataFailure;
    private final AtomicInteger rcptFailures = new AtomicInteger();
    private volatile Reply rcptFailure;
    private volatile Predicate<String> rcptFailureFor = to -> true;
    private final Map<String, Reply> rejected = new ConcurrentHashMap<>();
    private final AtomicInteger refusedData = new AtomicInteger();
    private volatile String user;
    private volatile String password;

    private SmtpStandIn(int port) {
        this.port = bind(port);
    }

    /** Listening on 127.0.0.1 at a free port. */
    public static SmtpStandIn listen() {
        return new SmtpStandIn(0);
    }

    /** Listening on 127.0.0.1 at {@code port}. */
    public static SmtpStandIn listen(int port) {
        return new SmtpStandIn(port);
    }

    private int bind(int wanted) {
        try {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), wanted), 256);
            server = socket;
            daemon("smtp-stand-in-accept-" + socket.getLocalPort(), () -> accept(socket));
            return socket.getLocalPort();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return port;
    }

    /** Requires AUTH PLAIN with these credentials before MAIL FROM (and advertises AUTH); null: no login. */
    public SmtpStandIn credentials(String user, String password) {
        this.user = user;
        this.password = password;
        return this;
    }

    /** The next {@code times} messages are refused with {@code code} after their DATA was transmitted. */
    public SmtpStandIn failNextData(int times, int code, String text) {
        dataFailure = new Reply(code, text);
        dataFailures.set(times);
        return this;
    }

    /** The next {@code times} RCPT TO of recipients matching {@code to} are answered {@code code}. */
    public SmtpStandIn failNextRcpt(int times, Predicate<String> to, int code, String text) {
        rcptFailure = new Reply(code, text);
        rcptFailureFor = to;
        rcptFailures.set(times);
        return this;
    }

    /** Every RCPT TO for {@code address} (case-insensitive) is answered {@code code} until {@link #reset()}. */
    public SmtpStandIn reject(String address, int code, String text) {
        rejected.put(address.toLowerCase(Locale.ROOT), new Reply(code, text));
        return this;
    }

    /** Forgets messages and scripts; keeps the credentials. */
    public void reset() {
        received.clear();
        rejected.clear();
        dataFailures.set(0);
        rcptFailures.set(0);
        refusedData.set(0);
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    /** Messages accepted for {@code address} (case-insensitive). */
    public List<Received> received(String address) {
        return received.stream().filter(r -> r.to().stream().anyMatch(t -> t.equalsIgnoreCase(address))).toList();
    }

    /** Connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    /** Messages transmitted and refused by a scripted DATA failure. */
    public int refusedData() {
        return refusedData.get();
    }

    public boolean running() {
        ServerSocket s = server;
        return s != null && !s.isClosed();
    }

    /** Stops listening and drops every open connection: clients get "connection refused" until {@link #start()}. */
    public synchronized void stop() {
        ServerSocket s = server;
        server = null;
        if (s != null) {
            try {
                s.close();
            }
            catch (IOException e) {
                // closing anyway
            }
        }
        synchronized (storing) {
            for (Socket socket : open) {
                try {
                    socket.close();
                }
                catch (IOException e) {
                    // closing anyway
                }
            }
            open.clear();
        }
    }

    /** Listens again on the same port. */
    public synchronized void start() {
        if (!running()) {
            bind(port);
        }
    }

    @Override
    public void close() {
        stop();
    }

    private void accept(ServerSocket socket) {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                connections.incrementAndGet();
                open.add(client);
                if (server != socket) {
                    // stop() came between accept and add
                    open.remove(client);
                    client.close();
                    continue;
                }
                daemon("smtp-stand-in-" + client.getPort(), () -> serve(client));
            }
            catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            client.setSoTimeout(60_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.ISO_8859_1));
            OutputStream out = client.getOutputStream();
            reply(out, "220 " + greeting + " ESMTP ready");
            boolean authenticated = user == null;
            String from = null;
            List<String> to = new ArrayList<>();
            String line;
            while ((line = in.readLine()) != null) {
                String upper = line.toUpperCase(Locale.ROOT);
                if (upper.startsWith("EHLO")) {
                    from = null;
                    to.clear();
                    reply(out, "250-" + greeting + " greets you\r\n250-8BITMIME\r\n250-SIZE 10485760\r\n"
                            + (user != null ? "250-AUTH PLAIN\r\n" : "") + "250 HELP");
                }
                else if (upper.startsWith("HELO")) {
                    from = null;
                    to.clear();
                    reply(out, "250 " + greeting);
                }
                else if (upper.startsWith("AUTH PLAIN")) {
                    String response = line.length() > "AUTH PLAIN ".length() ? line.substring("AUTH PLAIN ".length()).strip() : "";
                    if (response.isEmpty()) {
                        reply(out, "334 ");
                        response = String.valueOf(in.readLine()).strip();
                    }
                    authenticated = plain(response);
                    reply(out, authenticated ? "235 2.7.0 Authentication successful" : "535 5.7.8 Authentication credentials invalid");
                }
                else if (upper.startsWith("MAIL FROM:")) {
                    if (!authenticated) {
                        reply(out, "530 5.7.0 Authentication required");
                        continue;
                    }
                    from = address(line.substring("MAIL FROM:".length()));
                    to.clear();
                    reply(out, "250 2.1.0 Ok");
                }
                else if (upper.startsWith("RCPT TO:")) {
                    if (from == null) {
                        reply(out, "503 5.5.1 MAIL first");
                        continue;
                    }
                    String rcpt = address(line.substring("RCPT TO:".length()));
                    Reply refusal = rejected.get(rcpt.toLowerCase(Locale.ROOT));
                    if (refusal == null && rcptFailureFor.test(rcpt) && take(rcptFailures)) {
                        refusal = rcptFailure;
                    }
                    if (refusal != null) {
                        reply(out, refusal.line());
                    }
                    else {
                        to.add(rcpt);
                        reply(out, "250 2.1.5 Ok");
                    }
                }
                else if (upper.equals("DATA")) {
                    if (from == null || to.isEmpty()) {
                        reply(out, "503 5.5.1 RCPT first");
                        continue;
                    }
                    reply(out, "354 End data with <CR><LF>.<CR><LF>");
                    StringBuilder raw = new StringBuilder();
                    String data;
                    while ((data = in.readLine()) != null && !data.equals(".")) {
                        raw.append(data.startsWith(".") ? data.substring(1) : data).append("\r\n");
                    }
                    if (data == null) {
                        return;
                    }
                    if (take(dataFailures)) {
                        refusedData.incrementAndGet();
                        reply(out, dataFailure.line());
                    }
                    else {
                        // kept and acknowledged as one step: stop() cannot cut in between, so a message the
                        // client was not told about is never kept (nor one it was told about lost)
                        synchronized (storing) {
                            if (client.isClosed()) {
                                return;
                            }
                            received.add(new Received(Instant.now(), from, List.copyOf(to), raw.toString()));
                            reply(out, "250 2.0.0 Ok: queued");
                        }
                    }
                    from = null;
                    to.clear();
                }
                else if (upper.equals("RSET")) {
                    from = null;
                    to.clear();
                    reply(out, "250 2.0.0 Ok");
                }
                else if (upper.startsWith("NOOP")) {
                    reply(out, "250 2.0.0 Ok");
                }
                else if (upper.equals("QUIT")) {
                    reply(out, "221 2.0.0 Bye");
                    return;
                }
                else {
                    reply(out, "502 5.5.2 Command not recognized");
                }
            }
        }
        catch (SocketException e) {
            // dropped by stop(), or the client went away
        }
        catch (IOException e) {
            // a client that stalls or breaks the protocol: drop it
        }
        finally {
            open.remove(client);
        }
    }

    private boolean plain(String base64) {
        try {
            String[] parts = new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8).split("\0", -1);
            return parts.length == 3 && parts[1].equals(user) && parts[2].equals(password);
        }
        catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static void daemon(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
    }

    private static boolean take(AtomicInteger remaining) {
        return remaining.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
    }

    private static String address(String argument) {
        String a = argument.strip();
        int close = a.indexOf('>');
        if (a.startsWith("<") && close > 0) {
            return a.substring(1, close);
        }
        int space = a.indexOf(' ');
        return space > 0 ? a.substring(0, space) : a;
    }

    private static void reply(OutputStream out, String text) throws IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }
}
