package dev.verimail.mailer.config;

import java.net.URI;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * SendCloud account and template ({@code sendcloud.*}; in the environment {@code SENDCLOUD_API_USER},
 * {@code SENDCLOUD_API_KEY}, {@code SENDCLOUD_BASE_URL}, {@code SENDCLOUD_TEMPLATE}, {@code SENDCLOUD_FROM},
 * {@code SENDCLOUD_FROM_NAME}, {@code SENDCLOUD_SUBJECT}). Without user and key the built-in inbox is used instead.
 *
 * @param apiUser        SendCloud API user
 * @param apiKey         SendCloud API key; never logged, redacted from {@link #toString()}
 * @param baseUrl        API root; {@code /apiv2/mail/sendtemplate} is appended
 * @param template       {@code templateInvokeName} of a template that uses {@code %name%} and {@code %url%}
 * @param from           sender address
 * @param fromName       sender name (optional)
 * @param subject        subject (optional: the template's own subject is used without it)
 * @param connectTimeout TCP connect timeout of a call
 * @param timeout        time until SendCloud's reply must have arrived; a slower call is a transient failure
 */
@ConfigurationProperties("sendcloud")
public record SendCloudProperties(
        String apiUser,
        String apiKey,
        @DefaultValue("https://api.sendcloud.net") URI baseUrl,
        String template,
        String from,
        String fromName,
        String subject,
        @DefaultValue("PT5S") Duration connectTimeout,
        @DefaultValue("PT10S") Duration timeout) {

    public SendCloudProperties {
        // the parameters, not configured(): fields are assigned only after this block
        if (!blank(apiUser) && !blank(apiKey)) {
            if (blank(template) || blank(from)) {
                throw new IllegalArgumentException(
                        "SENDCLOUD_API_USER and SENDCLOUD_API_KEY are set, so SENDCLOUD_TEMPLATE and SENDCLOUD_FROM must be set too");
            }
        }
        if (timeout.isNegative() || timeout.isZero() || connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("sendcloud timeouts must be positive");
        }
    }

    /** Both credentials are set: mail goes to SendCloud, else to the built-in inbox. */
    public boolean configured() {
        return !blank(apiUser) && !blank(apiKey);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    @Override
    public String toString() {
        return "SendCloudProperties[apiUser=" + apiUser + ", apiKey=" + (blank(apiKey) ? "(unset)" : "******")
                + ", baseUrl=" + baseUrl + ", template=" + template + ", from=" + from + ", fromName=" + fromName
                + ", subject=" + subject + ", connectTimeout=" + connectTimeout + ", timeout=" + timeout + "]";
    }
}
