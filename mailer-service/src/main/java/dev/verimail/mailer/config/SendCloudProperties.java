package dev.verimail.mailer.config;

import java.net.URI;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * SendCloud account and templates ({@code sendcloud.*}; in the environment {@code SENDCLOUD_API_USER},
 * {@code SENDCLOUD_API_KEY}, {@code SENDCLOUD_BASE_URL}, {@code SENDCLOUD_ALLOW_HTTP}, {@code SENDCLOUD_TEMPLATE},
 * {@code SENDCLOUD_NOTICE_TEMPLATE}, {@code SENDCLOUD_FROM}, {@code SENDCLOUD_FROM_NAME}, {@code SENDCLOUD_SUBJECT}).
 * Used when {@code MAILER_TRANSPORT=sendcloud} (the default); {@link MailerStartupCheck} refuses to start without
 * user, key, template and sender, or with a base URL that is not https.
 *
 * @param apiUser        SendCloud API user
 * @param apiKey         SendCloud API key; never logged, redacted from {@link #toString()}
 * @param baseUrl        API root; {@code /apiv2/mail/sendtemplate} is appended. https, unless {@code allowHttp}
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
 */
@ConfigurationProperties("sendcloud")
public record SendCloudProperties(
        String apiUser,
        String apiKey,
        @DefaultValue("https://api.sendcloud.net") URI baseUrl,
        @DefaultValue("false") boolean allowHttp,
        String template,
        String noticeTemplate,
        String from,
        String fromName,
        String subject,
        @DefaultValue("PT5S") Duration connectTimeout,
        @DefaultValue("PT10S") Duration timeout) {

    public SendCloudProperties {
        if (timeout.isNegative() || timeout.isZero() || connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("sendcloud timeouts must be positive");
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
                + ", connectTimeout=" + connectTimeout + ", timeout=" + timeout + "]";
    }
}
