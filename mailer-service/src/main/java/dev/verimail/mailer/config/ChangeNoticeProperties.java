package dev.verimail.mailer.config;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code sendcloud.change-notice.*}: the notice to a user's current address that an operator is changing it.
 *
 * @param template {@code templateInvokeName} of the SendCloud template ({@code SENDCLOUD_CHANGE_NOTICE_TEMPLATE};
 *                 variables {@code %name%} and {@code %email%}, the new address masked as {@code n***@example.com});
 *                 unset: with {@code MAILER_TRANSPORT=sendcloud} such notices are recorded as skipped, not sent
 */
@ConfigurationProperties("sendcloud.change-notice")
public record ChangeNoticeProperties(String template) {

    /** Whether SendCloud can send the notice: a template is set. */
    public boolean sendCloudReady() {
        return template != null && !template.isBlank();
    }
}
