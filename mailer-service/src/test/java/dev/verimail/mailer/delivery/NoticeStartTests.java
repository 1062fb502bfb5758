package dev.verimail.mailer.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

class NoticeStartTests {

    private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");

    @Test
    void aCurrentNoticeThatTheTransportSendsStartsPending() {
        assertThat(NoticeStart.of(NOW, NOW.plusSeconds(1), null, "x"))
                .isEqualTo(new NoticeStart(DeliveryStatus.PENDING, null, null));
    }

    @Test
    void anExpiredNoticeFailsAsExpiredEvenWhenTheTransportWouldSkipIt() {
        NoticeStart start = NoticeStart.of(NOW, NOW, "no template", "mailer.notice.ttl");
        assertThat(start.status()).isEqualTo(DeliveryStatus.FAILED);
        assertThat(start.reason()).isEqualTo(FailureReason.EXPIRED);
        assertThat(start.error()).isEqualTo("The notice was older than mailer.notice.ttl when the event arrived");
    }

    @Test
    void aNoticeTheTransportCannotSendFailsAsSkippedWithItsReason() {
        NoticeStart start = NoticeStart.of(NOW, NOW.plusSeconds(60), "SENDCLOUD_CHANGE_NOTICE_TEMPLATE is not set", "x");
        assertThat(start.status()).isEqualTo(DeliveryStatus.FAILED);
        assertThat(start.reason()).isEqualTo(FailureReason.SKIPPED);
        assertThat(start.error()).isEqualTo("Not sent: SENDCLOUD_CHANGE_NOTICE_TEMPLATE is not set");
    }
}
