package dev.verimail.web.i18n;

import java.util.List;
import java.util.Locale;

/**
 * The languages verimail's pages and emails speak: English ({@code en}, the default) and Simplified Chinese
 * ({@code zh-CN}). Every tag a person, a browser or an event may give is mapped onto one of them: {@code zh},
 * {@code zh-CN}, {@code zh_CN}, {@code zh-Hans}, {@code zh-Hans-CN}, {@code zh-SG} (any case) are Simplified Chinese;
 * {@code en} and anything else is English. To add a language, add it to {@link #SUPPORTED}, to {@link #of} and
 * give every service a {@code messages_<tag>.properties}.
 */
public final class Languages {

    public static final Locale ENGLISH = Locale.ENGLISH;
    public static final Locale SIMPLIFIED_CHINESE = Locale.SIMPLIFIED_CHINESE;
    /** The languages there are texts for, the default first. */
    public static final List<Locale> SUPPORTED = List.of(ENGLISH, SIMPLIFIED_CHINESE);

    private Languages() {
    }

    /**
     * The supported language a tag names, or null when it names none we speak (then the caller falls back:
     * {@code Accept-Language}, the stored locale, English). {@code en*} is English, Simplified Chinese as above;
     * Traditional Chinese ({@code zh-Hant}, {@code zh-TW}, {@code zh-HK}, {@code zh-MO}) is not supported (null).
     */
    public static Locale of(String tag) {
        if (tag == null) {
            return null;
        }
        String t = tag.strip().replace('_', '-').toLowerCase(Locale.ROOT);
        if (t.isEmpty() || t.length() > 35) {
            return null;
        }
        if (t.equals("en") || t.startsWith("en-")) {
            return ENGLISH;
        }
        if (t.equals("zh") || t.startsWith("zh-")) {
            if (t.contains("hant") || t.startsWith("zh-tw") || t.startsWith("zh-hk") || t.startsWith("zh-mo")) {
                return null;
            }
            return SIMPLIFIED_CHINESE;
        }
        return null;
    }

    /** As {@link #of}, English for anything unknown or missing. */
    public static Locale orEnglish(String tag) {
        Locale locale = of(tag);
        return locale == null ? ENGLISH : locale;
    }

    /** The supported language closest to {@code locale}, English when none is. */
    public static Locale closest(Locale locale) {
        return locale == null ? ENGLISH : orEnglish(locale.toLanguageTag());
    }

    /** The BCP 47 tag events and databases keep: {@code en} or {@code zh-CN}. */
    public static String tag(Locale locale) {
        return closest(locale).toLanguageTag();
    }
}
