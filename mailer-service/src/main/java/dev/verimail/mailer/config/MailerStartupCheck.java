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
 * <li>{@code MAILER_TRANSPORT} names no transport of this version (allowed: {@code sendcloud}, {@code smtp},
 * {@code inbox});</li>
 * <li>with {@code smtp}, {@code SPRING_MAIL_HOST} or {@code MAILER_SMTP_FROM} is missing ({@link #checkSmtp});</li>
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
            throw new MailerConfigurationException(List.of(Transport.VARIABLE + " (" + Transport.PROPERTY + ") is '"
                    + printable(raw) + "': allowed values are sendcloud (the default), smtp and inbox (development only)."),
                    "Set " + Transport.VARIABLE + "=sendcloud with the SENDCLOUD_* settings, "
                            + Transport.VARIABLE + "=smtp with SPRING_MAIL_HOST and MAILER_SMTP_FROM, or "
                            + Transport.VARIABLE + "=inbox on a development machine.");
        }
        if (transport == Transport.INBOX) {
            return transport;
        }
        if (transport == Transport.SMTP) {
            return checkSmtp(env);
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

    /**
     * With {@code smtp}: an SMTP host ({@code SPRING_MAIL_HOST}) and a sender address ({@code MAILER_SMTP_FROM}) are
     * required, a user name needs its password, and the port (if set) is a port. STARTTLS switched off is allowed
     * (a test server) and said in a WARN.
     */
    private static Transport checkSmtp(Environment env) {
        List<String> problems = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        if (blank(env.getProperty("spring.mail.host"))) {
            missing.add("SPRING_MAIL_HOST");
        }
        String from = env.getProperty("mailer.smtp.from");
        if (blank(from)) {
            missing.add("MAILER_SMTP_FROM");
        }
        if (!missing.isEmpty()) {
            problems.add(Transport.VARIABLE + " is smtp, but " + String.join(", ", missing)
                    + (missing.size() == 1 ? " is" : " are") + " not set.");
        }
        if (!blank(from) && !emailAddress(from.trim())) {
            problems.add("MAILER_SMTP_FROM (mailer.smtp.from) is not a plain email address (like no-reply@example.com).");
        }
        if (!blank(env.getProperty("spring.mail.username")) && blank(env.getProperty("spring.mail.password"))) {
            problems.add("SPRING_MAIL_USERNAME is set but SPRING_MAIL_PASSWORD is not.");
        }
        String port = env.getProperty("spring.mail.port");
        if (!blank(port) && !port.trim().matches("[0-9]{1,5}")) {
            problems.add("SPRING_MAIL_PORT (spring.mail.port) is not a port number.");
        }
        if (!problems.isEmpty()) {
            throw new MailerConfigurationException(problems, "Set SPRING_MAIL_HOST (and SPRING_MAIL_PORT, "
                    + "SPRING_MAIL_USERNAME, SPRING_MAIL_PASSWORD as the server needs) and MAILER_SMTP_FROM, or set "
                    + Transport.VARIABLE + "=inbox on a development machine to keep emails in the built-in inbox. "
                    + "The mailer never falls back to the inbox by itself.");
        }
        String required = env.getProperty("spring.mail.properties.mail.smtp.starttls.required", "true");
        if (!Boolean.parseBoolean(required.trim())) {
            log.warn("STARTTLS is not required (spring.mail.properties.mail.smtp.starttls.required=false): the SMTP "
                    + "password and the verification links may travel in clear; use this only for a local test server");
        }
        return Transport.SMTP;
    }

    private static boolean emailAddress(String value) {
        return value.length() <= 254 && value.matches("[^@\\s<>\"(),;:]+@[^@\\s<>\"(),;:]+\\.[^@\\s<>\"(),;:]+");
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
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
