package dev.verimail.testbed;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Sends webhooks as SendCloud does ("Learn about WebHook", "Webhook Event Description"): a form-encoded POST with
 * {@code event}, {@code emailId}, {@code recipient}, {@code timestamp} (milliseconds), a random 50-character
 * {@code token} and {@code signature} = hex HMAC-SHA256 of {@code timestamp + token} keyed with the APP KEY. Used on
 * its own by webhook tests (bad signatures, old timestamps, replays) and by {@link SendCloudStandIn#reportTo}, which
 * reports on every email it accepts.
 */
public final class SendCloudWebhooks {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String TOKEN_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private final URI url;
    private final String key;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** @param url the mailer's {@code /webhooks/sendcloud}; @param key its {@code SENDCLOUD_WEBHOOK_KEY} */
    public SendCloudWebhooks(String url, String key) {
        this.url = URI.create(url);
        this.key = key;
    }

    /** A fresh token of SendCloud's length. */
    public static String token() {
        StringBuilder token = new StringBuilder(50);
        for (int i = 0; i < 50; i++) {
            token.append(TOKEN_CHARS.charAt(RANDOM.nextInt(TOKEN_CHARS.length())));
        }
        return token.toString();
    }

    /** The signature SendCloud sends for {@code timestamp} and {@code token}. */
    public static String sign(String key, String timestamp, String token) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal((timestamp + token).getBytes(StandardCharsets.UTF_8)));
        }
        catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The fields of one event, signed with this key at {@code at} with {@code token}; {@code extra} added as given. */
    public Map<String, String> fields(String event, String emailId, String recipient, Instant at, String token,
            Map<String, String> extra) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("event", event);
        fields.put("emailId", emailId);
        fields.put("recipient", recipient);
        fields.put("apiUser", "verimail-test");
        fields.put("labelId", "0");
        fields.putAll(extra);
        String timestamp = Long.toString(at.toEpochMilli());
        fields.put("timestamp", timestamp);
        fields.put("token", token);
        fields.put("signature", sign(key, timestamp, token));
        return fields;
    }

    /** Posts one event signed now with a fresh token. */
    public HttpResponse<String> post(String event, String emailId, String recipient, Map<String, String> extra) {
        return post(fields(event, emailId, recipient, Instant.now(), token(), extra));
    }

    /** Posts {@code fields} as they are (a test may have changed them after signing). */
    public HttpResponse<String> post(Map<String, String> fields) {
        String body = fields.entrySet().stream()
                .map(f -> enc(f.getKey()) + "=" + enc(f.getValue()))
                .collect(Collectors.joining("&"));
        HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
                .header("User-Agent", "SendCloud-Webhook-StandIn")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        }
        catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String enc(String value) {
        return URLEncoder.encode(value == null ? "" : value, StandardCharsets.UTF_8);
    }
}
