package dev.verimail.mailer.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The mailer's meters. In Prometheus: {@code mailer_emails_sent_total}, {@code mailer_emails_failed_total{code}},
 * {@code mailer_emails_retried_total{stage}}, {@code mailer_send_latency_seconds{outcome}},
 * {@code mailer_event_to_send_seconds} and {@code mailer_sends_in_flight}.
 */
@Component
class MailerMetrics {

    private final MeterRegistry registry;
    private final String transport;

    MailerMetrics(MeterRegistry registry, MailTransport transport) {
        this.registry = registry;
        this.transport = transport.name();
    }

    void sent() {
        Counter.builder("mailer.emails.sent").description("Emails the transport accepted")
                .tag("transport", transport).register(registry).increment();
    }

    /** {@code code}: SendCloud's statusCode, or {@code expired}, {@code superseded}, {@code none}. */
    void failed(String code) {
        Counter.builder("mailer.emails.failed").description("Deliveries given up, by SendCloud code or reason")
                .tag("transport", transport).tag("code", code).register(registry).increment();
    }

    /** {@code stage}: {@code quick} (a spring-retry attempt), {@code scheduled} (handed to the re-drive), {@code redrive}
     * ({@code admin}: see {@link #redriven}). */
    void retried(String stage) {
        Counter.builder("mailer.emails.retried").description("Retries of sends").tag("stage", stage)
                .register(registry).increment();
    }

    /** Deliveries an operator made due again ({@code POST /admin/deliveries/redrive}). */
    void redriven(int count) {
        Counter.builder("mailer.emails.retried").description("Retries of sends").tag("stage", "admin")
                .register(registry).increment(count);
    }

    SendResult timeSend(Supplier<SendResult> call) {
        long start = System.nanoTime();
        SendResult result = call.get();
        Timer.builder("mailer.send.latency").description("Duration of one call to the mail transport")
                .tag("transport", transport).tag("outcome", result.outcome().name().toLowerCase())
                .publishPercentileHistogram().register(registry).record(Duration.ofNanos(System.nanoTime() - start));
        return result;
    }

    /** From the event's {@code occurredAt} to the first call for it. */
    void firstCall(Instant occurredAt, Instant now) {
        Duration lag = Duration.between(occurredAt, now);
        Timer.builder("mailer.event.to.send").description("From the event to the first send attempt")
                .publishPercentileHistogram().register(registry).record(lag.isNegative() ? Duration.ZERO : lag);
    }

    void inFlight(Supplier<Number> count) {
        Gauge.builder("mailer.sends.in.flight", count, s -> s.get().doubleValue())
                .description("Sends running now").strongReference(true).register(registry);
    }
}
