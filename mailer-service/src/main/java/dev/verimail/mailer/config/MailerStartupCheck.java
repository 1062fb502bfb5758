package dev.verimail.mailer.config;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Fails closed, before any other bean (database pool, Kafka consumers) is created, when the mail transport's settings
 * are not usable:
 * <ul>
 * <li>{@code MAILER_TRANSPORT} names no transport of this version (allowed: {@code sendcloud}, {@code inbox});</li>
 * <li>with {@code sendcloud} (the default), a setting a send needs is missing: {@code SENDCLOUD_API_USER},
 * {@code SENDCLOUD_API_KEY}, {@code SENDCLOUD_TEMPLATE}, {@code SENDCLOUD_FROM};</li>
 * <li>with {@code sendcloud}, {@code SENDCLOUD_BASE_URL} is not https and {@code SENDCLOUD_ALLOW_HTTP} is not
 * {@code true} (the API key travels in every request).</li>
 * </ul>
 * All problems are reported at once, by variable name, never by value ({@link MailerConfigurationFailureAnalyzer}).
 * The mailer never falls back to the inbox by itself.
 */
@Configuration(proxyBeanMethods = false)
public class MailerStartupCheck {

    private static final Logger log = LoggerFactory.getLogger(MailerStartupCheck.class);

    /** Property to environment variable, for the settings a SendCloud send cannot do without. */
    private static final Map<String, String> REQUIRED = new LinkedHashMap<>();

    static {
        REQUIRED.put("sendcloud.api-user", "SENDCLOUD_API_USER");
        REQUIRED.put("sendcloud.api-key", "SENDCLOUD_API_KEY");
        REQUIRED.put("sendcloud.template", "SENDCLOUD_TEMPLATE");
        REQUIRED.put("sendcloud.from", "SENDCLOUD_FROM");
    }

    @Bean
    static BeanFactoryPostProcessor mailerTransportSettingsCheck(Environment environment) {
        return beanFactory -> check(environment);
    }

    /** @return the transport the settings choose; throws {@link MailerConfigurationException} when they are unusable */
    public static Transport check(Environment env) {
        String raw = env.getProperty(Transport.PROPERTY);
        Transport transport = Transport.of(raw);
        if (transport == null) {
            boolean smtp = "smtp".equalsIgnoreCase(raw.trim());
            throw new MailerConfigurationException(List.of(Transport.VARIABLE + " (" + Transport.PROPERTY + ") is '"
                    + printable(raw) + "'" + (smtp ? ", which is not available yet in this version" : "")
                    + ": allowed values are sendcloud (the default) and inbox (development only)."),
                    "Set " + Transport.VARIABLE + "=sendcloud with the SENDCLOUD_* settings, or "
                            + Transport.VARIABLE + "=inbox on a development machine.");
        }
        if (transport == Transport.INBOX) {
            return transport;
        }
        List<String> problems = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        REQUIRED.forEach((property, variable) -> {
            String value = env.getProperty(property);
            if (value == null || value.isBlank()) {
                missing.add(variable);
            }
        });
        if (!missing.isEmpty()) {
            problems.add(Transport.VARIABLE + " is sendcloud (the default), but " + String.join(", ", missing)
                    + (missing.size() == 1 ? " is" : " are") + " not set.");
        }
        SendCloudProperties.Region region = SendCloudProperties.Region.of(env.getProperty("sendcloud.region"));
        if (region == null) {
            problems.add("SENDCLOUD_REGION (sendcloud.region) is '" + env.getProperty("sendcloud.region")
                    + "': it must be cn (mainland China, the default) or sgp (Singapore).");
        }
        String baseUrl = env.getProperty("sendcloud.base-url", "");
        if (baseUrl.isBlank()) {
            baseUrl = region == null ? SendCloudProperties.Region.CN.host() : region.host();
        }
        boolean allowHttp = Boolean.parseBoolean(env.getProperty("sendcloud.allow-http", "false").trim());
        String scheme = scheme(baseUrl);
        if (scheme == null) {
            problems.add("SENDCLOUD_BASE_URL (sendcloud.base-url) is not an absolute http(s) URL.");
        }
        else if (!scheme.equals("https") && !(scheme.equals("http") && allowHttp)) {
            problems.add("SENDCLOUD_BASE_URL (sendcloud.base-url) uses " + scheme + ", not https, and "
                    + "SENDCLOUD_ALLOW_HTTP (sendcloud.allow-http) is not true: the API key would travel in clear.");
        }
        if (!problems.isEmpty()) {
            throw new MailerConfigurationException(problems, "Set the missing SENDCLOUD_* variables (and an https "
                    + "SENDCLOUD_BASE_URL; SENDCLOUD_ALLOW_HTTP=true only for a local stand-in), or set "
                    + Transport.VARIABLE + "=inbox on a development machine to keep emails in the built-in inbox. "
                    + "The mailer never falls back to the inbox by itself.");
        }
        if (scheme.equals("http")) {
            log.warn("SENDCLOUD_ALLOW_HTTP=true: SendCloud is called over plain http; use this only for a local stand-in");
        }
        return transport;
    }

    private static String scheme(String url) {
        try {
            URI uri = URI.create(url.trim());
            String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
            return uri.getHost() == null || !("https".equals(scheme) || "http".equals(scheme)) ? null : scheme;
        }
        catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The bad transport value, as much of it as is safe to print (it is not a secret, but keep the log clean). */
    private static String printable(String raw) {
        String s = raw.strip();
        s = s.length() > 40 ? s.substring(0, 40) + "…" : s;
        return s.replaceAll("[^\\p{Alnum}._-]", "?");
    }
}
