package dev.verimail.mailer.delivery;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Builds the verification link: {@code {mailer.verification-url}?token=..&authcode=..}, both URL-encoded. */
final class Links {

    private Links() {
    }

    static String verification(URI base, String token, String authcode) {
        String url = base.toString();
        String separator = url.contains("?") ? (url.endsWith("?") || url.endsWith("&") ? "" : "&") : "?";
        return url + separator + "token=" + enc(token) + "&authcode=" + enc(authcode);
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
