package dev.verimail.mailer.delivery;

import java.util.Locale;
import java.util.UUID;

import dev.verimail.web.i18n.Languages;

/**
 * One email: a verification email with its link, or a notice ("someone tried to sign up with your address") that
 * has none. {@code link} holds the authcode: it is never logged, and {@link #toString()} leaves it out; so is
 * {@code code}, the 6-digit code beside the link ({@code null} when the event brought none, and for a notice).
 * {@code locale}: the language it is written in, English or Simplified Chinese ({@link Languages}).
 */
public record Mail(UUID eventId, Kind kind, String to, String name, String link, String code, String changedTo,
        Locale locale) {

    public enum Kind {
        /** {@code UserRegistered} or {@code VerificationReissued}: name and link. */
        VERIFICATION,
        /** {@code SignupAttempted}: the registered user's name, no link. */
        SIGNUP_ATTEMPTED,
        /** {@code EmailChangeRequested}, to the current address: name and the new address masked, no link. */
        EMAIL_CHANGE_NOTICE
    }

    public Mail {
        if ((kind == Kind.VERIFICATION) != (link != null)) {
            throw new IllegalArgumentException("a verification email has a link, a notice has none");
        }
        if (code != null && kind != Kind.VERIFICATION) {
            throw new IllegalArgumentException("only a verification email has a code");
        }
        if ((kind == Kind.EMAIL_CHANGE_NOTICE) != (changedTo != null)) {
            throw new IllegalArgumentException("an address change notice names the new address, nothing else does");
        }
        locale = Languages.closest(locale);
    }

    public static Mail verification(UUID eventId, String to, String name, String link) {
        return verification(eventId, to, name, link, null);
    }

    public static Mail verification(UUID eventId, String to, String name, String link, String code) {
        return new Mail(eventId, Kind.VERIFICATION, to, name, link, code, null, Languages.ENGLISH);
    }

    public static Mail signupAttempted(UUID eventId, String to, String name) {
        return new Mail(eventId, Kind.SIGNUP_ATTEMPTED, to, name, null, null, null, Languages.ENGLISH);
    }

    /** To the current address: the address is being changed to {@code changedTo} (masked: n***@example.com). */
    public static Mail emailChangeNotice(UUID eventId, String to, String name, String changedTo) {
        return new Mail(eventId, Kind.EMAIL_CHANGE_NOTICE, to, name, null, null, changedTo, Languages.ENGLISH);
    }

    /** The same email in the language {@code tag} names ({@code en}, {@code zh-CN}; English when unknown or null). */
    public Mail inLanguage(String tag) {
        return new Mail(eventId, kind, to, name, link, code, changedTo, Languages.orEnglish(tag));
    }

    /**
     * Where the code can be typed instead of opening the link (for a person who reads the email on another device):
     * the link's page + {@code /code}, with the address filled in; null without a code. Holds no secret.
     */
    public String codePage() {
        if (code == null || link == null) {
            return null;
        }
        int query = link.indexOf('?');
        String page = query < 0 ? link : link.substring(0, query);
        return (page.endsWith("/") ? page + "code" : page + "/code") + "?email="
                + java.net.URLEncoder.encode(to, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Whether it is written in Simplified Chinese. */
    public boolean chinese() {
        return Languages.SIMPLIFIED_CHINESE.equals(locale);
    }

    /**
     * How a notice shows an address: the first character of the local part, three stars, the domain
     * ({@code n***@example.com}), so that a stranger who reads it learns little of the new address.
     */
    public static String masked(String email) {
        int at = email.lastIndexOf('@');
        if (at <= 0) {
            return "***";
        }
        return email.substring(0, email.offsetByCodePoints(0, 1)) + "***" + email.substring(at);
    }

    @Override
    public String toString() {
        return "Mail[eventId=" + eventId + ", kind=" + kind + ", to=" + to + ", locale=" + locale.toLanguageTag() + "]";
    }
}
