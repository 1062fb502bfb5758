package dev.verimail.web.i18n;

import java.util.Locale;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.servlet.LocaleResolver;

/**
 * Which language a page speaks ({@code localeResolver}, so Thymeleaf's {@code #{...}} and {@code #locale} follow it):
 * <ol>
 * <li>what the controller chose with {@link #use} (verification-service: the language of the challenge);</li>
 * <li>a {@code lang} request parameter naming a supported language ({@code en}, {@code zh-CN}, {@code zh},
 * {@code zh_CN}, any case; {@link Languages#of}): the query string, or the hidden {@code lang} field the forms send
 * along, so a form keeps its language across its POST;</li>
 * <li>{@code Accept-Language}: the first supported language in the client's order of preference (q values
 * honoured), e.g. {@code zh}, {@code zh-CN}, {@code zh-Hans} are Chinese;</li>
 * <li>English.</li>
 * </ol>
 * No cookie and no session: the choice travels with each request.
 */
public class LanguageResolver implements LocaleResolver {

    /** The request parameter that overrides {@code Accept-Language}. */
    public static final String PARAMETER = "lang";

    private static final String ATTRIBUTE = LanguageResolver.class.getName() + ".locale";

    @Override
    public Locale resolveLocale(HttpServletRequest request) {
        Object chosen = request.getAttribute(ATTRIBUTE);
        if (chosen instanceof Locale locale) {
            return locale;
        }
        Locale asked = requested(request);
        return asked != null ? asked : accepted(request);
    }

    /** The language the {@code lang} parameter names, or null (absent, repeated or not one we speak). */
    public static Locale requested(HttpServletRequest request) {
        String[] values = request.getParameterValues(PARAMETER);
        return values == null || values.length != 1 ? null : Languages.of(values[0]);
    }

    /** The first supported language of {@code Accept-Language}, English when it names none. */
    public static Locale accepted(HttpServletRequest request) {
        String header = request.getHeader("Accept-Language");
        if (header == null || header.isBlank() || header.length() > 1000) {
            return Languages.ENGLISH;
        }
        try {
            for (Locale.LanguageRange range : Locale.LanguageRange.parse(header)) {
                if (range.getWeight() <= 0) {
                    continue;
                }
                Locale locale = Languages.of(range.getRange());
                if (locale != null) {
                    return locale;
                }
            }
        }
        catch (IllegalArgumentException e) {
            // a malformed header says nothing we can use
        }
        return Languages.ENGLISH;
    }

    /** This request's pages speak {@code locale} (mapped to a supported language), whatever the request asked. */
    public static void use(HttpServletRequest request, Locale locale) {
        request.setAttribute(ATTRIBUTE, Languages.closest(locale));
    }

    @Override
    public void setLocale(HttpServletRequest request, HttpServletResponse response, Locale locale) {
        if (locale == null) {
            request.removeAttribute(ATTRIBUTE);
        }
        else {
            use(request, locale);
        }
    }
}
