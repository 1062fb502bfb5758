package dev.verimail.web.i18n;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

class LanguageResolverTests {

    private final LanguageResolver resolver = new LanguageResolver();

    @Test
    void tagsMapOntoEnglishOrSimplifiedChinese() {
        for (String zh : new String[] { "zh", "zh-CN", "zh_CN", "ZH-cn", "zh-Hans", "zh-Hans-CN", "zh-SG", " zh " }) {
            assertThat(Languages.of(zh)).as(zh).isEqualTo(Locale.SIMPLIFIED_CHINESE);
        }
        for (String en : new String[] { "en", "EN", "en-US", "en_GB" }) {
            assertThat(Languages.of(en)).as(en).isEqualTo(Locale.ENGLISH);
        }
        for (String none : new String[] { "fr", "zh-TW", "zh-Hant", "", "x".repeat(40) }) {
            assertThat(Languages.of(none)).as(none).isNull();
        }
        assertThat(Languages.tag(Locale.SIMPLIFIED_CHINESE)).isEqualTo("zh-CN");
        assertThat(Languages.tag(Locale.forLanguageTag("de-DE"))).isEqualTo("en");
        assertThat(Languages.tag(null)).isEqualTo("en");
    }

    @Test
    void acceptLanguageInTheClientsOrder() {
        assertThat(resolve(null, null)).isEqualTo(Locale.ENGLISH);
        assertThat(resolve(null, "zh-CN,zh;q=0.9,en;q=0.8")).isEqualTo(Locale.SIMPLIFIED_CHINESE);
        assertThat(resolve(null, "zh-Hans")).isEqualTo(Locale.SIMPLIFIED_CHINESE);
        assertThat(resolve(null, "fr-FR,fr;q=0.9,zh;q=0.5")).isEqualTo(Locale.SIMPLIFIED_CHINESE);
        assertThat(resolve(null, "en;q=0.5,zh;q=0.9")).isEqualTo(Locale.SIMPLIFIED_CHINESE);
        assertThat(resolve(null, "de,fr")).isEqualTo(Locale.ENGLISH);
        assertThat(resolve(null, "zh;q=0")).isEqualTo(Locale.ENGLISH);
        assertThat(resolve(null, ";;;garbage==")).isEqualTo(Locale.ENGLISH);
    }

    @Test
    void theLangParameterOverrides() {
        assertThat(resolve("en", "zh-CN")).isEqualTo(Locale.ENGLISH);
        assertThat(resolve("zh", "en")).isEqualTo(Locale.SIMPLIFIED_CHINESE);
        assertThat(resolve("ZH_cn", null)).isEqualTo(Locale.SIMPLIFIED_CHINESE);
        // a language we do not speak is ignored: Accept-Language decides
        assertThat(resolve("fr", "zh-CN")).isEqualTo(Locale.SIMPLIFIED_CHINESE);
    }

    @Test
    void whatTheControllerChoseWins() {
        MockHttpServletRequest request = request("en", "en");
        LanguageResolver.use(request, Locale.forLanguageTag("zh-CN"));
        assertThat(resolver.resolveLocale(request)).isEqualTo(Locale.SIMPLIFIED_CHINESE);
    }

    private Locale resolve(String lang, String acceptLanguage) {
        return resolver.resolveLocale(request(lang, acceptLanguage));
    }

    private static MockHttpServletRequest request(String lang, String acceptLanguage) {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/register");
        if (lang != null) {
            request.setParameter("lang", lang);
        }
        if (acceptLanguage != null) {
            request.addHeader("Accept-Language", acceptLanguage);
        }
        return request;
    }
}
