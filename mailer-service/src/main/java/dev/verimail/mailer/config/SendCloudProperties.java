package dev.verimail.mailer.config;

import java.net.URI;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * SendCloud account and templates ({@code sendcloud.*}; in the environment {@code SENDCLOUD_API_USER},
 * {@code SENDCLOUD_API_KEY}, {@code SENDCLOUD_BASE_URL}, {@code SENDCLOUD_ALLOW_HTTP}, {@code SENDCLOUD_TEMPLATE},
 * {@code SENDCLOUD_NOTICE_TEMPLATE}, {@code SENDCLOUD_FROM}, {@code SENDCLOUD_FROM_NAME}, {@code SENDCLOUD_SUBJECT},
 * {@code SENDCLOUD_REGION}, {@code SENDCLOUD_WEBHOOK_KEY}, and for Simplified Chinese mail
 * {@code SENDCLOUD_TEMPLATE_ZH_CN}, {@code SENDCLOUD_NOTICE_TEMPLATE_ZH_CN}, {@code SENDCLOUD_SUBJECT_ZH_CN}).
 * Used when {@code MAILER_TRANSPORT=sendcloud} (the default); {@link MailerStartupCheck} refuses to start without
 * user, key, template and sender, or with a base URL that is not https.
 *
 * @param apiUser        SendCloud API user
 * @param apiKey         SendCloud API key; never logged, redacted from {@link #toString()}
 * @param baseUrl        API root, overriding the region's host (a proxy, a stand-in); the region's template-send path
 *                       is appended. https, unless {@code allowHttp}. Unset: the region's own host
 * @param allowHttp      accept an http base URL (a local stand-in only: the key travels in every request)
 * @param template       {@code templateInvokeName} of the verification email, a template that uses {@code %name%}
 *                       and {@code %url%}
 * @param noticeTemplate {@code templateInvokeName} of the "someone tried to sign up with your address" notice
 *                       ({@code %name%} only); optional: without it such notices are recorded as skipped, not sent
 * @param from           sender address
 * @param fromName       sender name (optional)
 * @param subject        subject of the verification email (optional: the template's own subject is used without
 *                       it); the notice always uses its template's subject
 * @param connectTimeout TCP connect timeout of a call
 * @param timeout        time until SendCloud's reply must have arrived; a slower call is a transient failure
 * @param region         {@code cn} (mainland China, SendCloud's own API, the default) or {@code sgp} (Singapore,
 *                       the international service): picks host and path of the template send ({@link Region})
 * @param webhookKey     the key SendCloud signs its webhooks with ({@code POST /webhooks/sendcloud}); unset: the
 *                       webhook is refused. Never logged, redacted from {@link #toString()}
 * @param templateZhCn       {@code templateInvokeName} of the verification email in Simplified Chinese (an event with
 *                           {@code locale: zh-CN}); unset: {@code template}
 * @param noticeTemplateZhCn the notice's template in Simplified Chinese; unset: {@code noticeTemplate}
 * @param subjectZhCn        subject of the Chinese verification email (optional); unset: the Chinese template's own
 *                           subject, or {@code subject} when there is no Chinese template
 */
@ConfigurationProperties("sendcloud")
public record SendCloudProperties(
        String apiUser,
        String apiKey,
        URI baseUrl,
        @DefaultValue("false") boolean allowHttp,
        String template,
        String noticeTemplate,
        String from,
        String fromName,
        String subject,
        @DefaultValue("PT5S") Duration connectTimeout,
        @DefaultValue("PT10S") Duration timeout,
        @DefaultValue("cn") String region,
        String webhookKey,
        String templateZhCn,
        String noticeTemplateZhCn,
        String subjectZhCn) {

    @ConstructorBinding
    public SendCloudProperties {
        if (timeout.isNegative() || timeout.isZero() || connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("sendcloud timeouts must be positive");
        }
    }

    /** Without the Chinese templates and subject: every email uses the default ones. */
    public SendCloudProperties(String apiUser, String apiKey, URI baseUrl, boolean allowHttp, String template,
            String noticeTemplate, String from, String fromName, String subject, Duration connectTimeout,
            Duration timeout, String region, String webhookKey) {
        this(apiUser, apiKey, baseUrl, allowHttp, template, noticeTemplate, from, fromName, subject, connectTimeout,
                timeout, region, webhookKey, null, null, null);
    }

    /** {@code templateInvokeName} of the verification email in this language: the Chinese one falls back to the default. */
    public String template(boolean chinese) {
        return chinese && !blank(templateZhCn) ? templateZhCn : template;
    }

    /** The notice's template in this language: the Chinese one falls back to the default; null when there is none. */
    public String noticeTemplate(boolean chinese) {
        return chinese && !blank(noticeTemplateZhCn) ? noticeTemplateZhCn : noticeTemplate;
    }

    /**
     * The verification email's subject in this language, null for the template's own: Chinese is
     * {@code subjectZhCn}, or, when no Chinese template is set (the default template is used), {@code subject}.
     */
    public String subject(boolean chinese) {
        String chosen = !chinese ? subject : !blank(subjectZhCn) ? subjectZhCn : blank(templateZhCn) ? subject : null;
        return blank(chosen) ? null : chosen;
    }

    /** The template-send URL: the region's path on {@code baseUrl}, or on the region's own host without one. */
    public URI sendTemplateUrl() {
        Region r = Region.of(region);
        if (r == null) {
            throw new IllegalStateException("SENDCLOUD_REGION '" + region + "' is neither cn nor sgp");
        }
        return r.sendTemplate(baseUrl);
    }

    /** Whether webhooks are accepted: a signing key is set. */
    public boolean webhooksOn() {
        return !blank(webhookKey);
    }

    /**
     * SendCloud's two services. The host and path of each are SendCloud's own documentation: mainland China
     * ({@code cn}) is {@code https://api.sendcloud.net/apiv2/mail/sendtemplate} (API v2, "template send", the
     * official SDKs' {@code https://api.sendcloud.net/apiv2/mail} base); Singapore ({@code sgp}, "Aurora SendCloud",
     * docs.aurorasendcloud.com, "API Overview: Regional Base URLs") is {@code https://api.aurorasendcloud.com/} with
     * the email API under {@code /email/} ({@code /email/send}, {@code /email/sendtemplate}). The form fields and the
     * reply are the same on both.
     */
    public enum Region {
        CN("https://api.sendcloud.net", "/apiv2/mail/sendtemplate"),
        SGP("https://api.aurorasendcloud.com", "/email/sendtemplate");

        private final String host;
        private final String path;

        Region(String host, String path) {
            this.host = host;
            this.path = path;
        }

        /** {@code cn} or {@code sgp}, any case; null for anything else. */
        public static Region of(String value) {
            if (value == null || value.isBlank()) {
                return CN;
            }
            return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "cn" -> CN;
                case "sgp" -> SGP;
                default -> null;
            };
        }

        public String host() {
            return host;
        }

        URI sendTemplate(URI baseUrl) {
            String base = baseUrl == null || baseUrl.toString().isBlank() ? host : baseUrl.toString();
            return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path);
        }
    }

    /** Whether "someone tried to sign up with your address" notices can be sent: a notice template is set. */
    public boolean sendsNotices() {
        return !blank(noticeTemplate);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    @Override
    public String toString() {
        return "SendCloudProperties[apiUser=" + apiUser + ", apiKey=" + (blank(apiKey) ? "(unset)" : "******")
                + ", baseUrl=" + baseUrl + ", allowHttp=" + allowHttp + ", template=" + template + ", noticeTemplate="
                + noticeTemplate + ", from=" + from + ", fromName=" + fromName + ", subject=" + subject
                + ", connectTimeout=" + connectTimeout + ", timeout=" + timeout + ", region=" + region + ", webhookKey="
                + (blank(webhookKey) ? "(unset)" : "******") + ", templateZhCn=" + templateZhCn
                + ", noticeTemplateZhCn=" + noticeTemplateZhCn + ", subjectZhCn=" + subjectZhCn + "]";
    }
}
