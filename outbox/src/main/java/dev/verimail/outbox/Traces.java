package dev.verimail.outbox;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;

import io.micrometer.tracing.Link;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;

/**
 * Carries a trace across what Micrometer's instrumentation cannot see: an outbox row written in a request and
 * published later by the relay, a batch listener's records, a delivery stored by the listener and sent later by
 * the send pool, a challenge whose click starts a trace of its own. What is carried is the W3C {@code traceparent}
 * (<a href="https://www.w3.org/TR/trace-context/#traceparent-header">Trace Context</a>:
 * {@code 00-<32 hex trace id>-<16 hex span id>-<2 hex flags>}), stored in a column or sent as the Kafka header
 * {@value #HEADER} (W3C propagation in Kafka headers, as OpenTelemetry's and Spring Kafka's instrumentation read
 * it, so that a subscriber's own tracing continues the trace).
 * Why by hand: Spring Kafka observes record listeners only, not batch listeners such as ours (the maintainers'
 * choice, "we are only observing single listener ... same approach that spring-kafka has taken",
 * spring-projects/spring-pulsar#149), and a template observation would start the publish span from the relay's
 * thread, not from the request that wrote the row.
 * With tracing off ({@link Tracer#NOOP}) every method returns {@code null} or a no-op span.
 */
public final class Traces {

    public static final String HEADER = dev.verimail.events.CloudEventHeaders.TRACEPARENT;

    private static final Pattern TRACEPARENT = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");

    private final Tracer tracer;

    public Traces(Tracer tracer) {
        this.tracer = tracer;
    }

    public Tracer tracer() {
        return tracer;
    }

    /** The {@code traceparent} of the current span, {@code null} if there is none. */
    public String current() {
        Span span = tracer.currentSpan();
        return span == null ? null : traceparent(span);
    }

    /**
     * Starts a span that continues {@code parent} (a {@code traceparent}); the current span's child, or a new trace,
     * when it is {@code null} or malformed. {@code kind} {@code null}: an internal span. The caller ends it, in a {@link Tracer#withSpan} scope for its log lines.
     */
    public Span start(String name, String parent, Span.Kind kind) {
        Span.Builder builder = tracer.spanBuilder().name(name);
        if (kind != null) {
            builder.kind(kind);
        }
        TraceContext context = context(parent);
        if (context != null) {
            builder.setParent(context);
        }
        else if (tracer.currentSpan() != null) {
            builder.setParent(tracer.currentSpan().context());
        }
        else {
            builder.setNoParent();
        }
        return builder.start();
    }

    /** Starts a child of the current span that links to {@code linked} (another trace's {@code traceparent}). */
    public Span startLinked(String name, String linked) {
        Span.Builder builder = tracer.spanBuilder().name(name);
        Span current = tracer.currentSpan();
        if (current != null) {
            builder.setParent(current.context());
        }
        TraceContext context = context(linked);
        if (context != null) {
            builder.addLink(new Link(context));
        }
        return builder.start();
    }

    /** Starts the consumer span of {@code record}, a child of the producer span named by its header. */
    public Span receive(ConsumerRecord<?, ?> record) {
        Header header = record.headers().lastHeader(HEADER);
        String parent = header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
        return start(record.topic() + " receive", parent, Span.Kind.CONSUMER);
    }

    /**
     * Reads {@code record} with {@code read} in its consumer span ({@link #receive}), so that the log lines of the
     * read carry its trace. The other form then, if it read something and the span is recorded, hands both to
     * {@code traced} with that span's {@code traceparent}, for the work that continues the trace later (a batch's
     * transaction, a send on another thread).
     */
    public <R extends ConsumerRecord<?, ?>, T> T receiving(R record, java.util.function.Function<R, T> read) {
        return receiving(record, read, (event, traceparent) -> {
        });
    }

    /** As {@link #receiving(ConsumerRecord, java.util.function.Function)}, handing on what was read and its trace. */
    public <R extends ConsumerRecord<?, ?>, T> T receiving(R record, java.util.function.Function<R, T> read,
            java.util.function.BiConsumer<T, String> traced) {
        Span span = receive(record);
        try (Tracer.SpanInScope scope = tracer.withSpan(span)) {
            T event = read.apply(record);
            String traceparent = traceparent(span);
            if (event != null && traceparent != null) {
                traced.accept(event, traceparent);
            }
            return event;
        }
        catch (RuntimeException e) {
            span.error(e);
            throw e;
        }
        finally {
            span.end();
        }
    }

    /** Puts {@code span}'s {@code traceparent} on {@code record} (replacing any). */
    public static void inject(Span span, ProducerRecord<?, ?> record) {
        String traceparent = traceparent(span);
        if (traceparent != null) {
            record.headers().remove(HEADER);
            record.headers().add(HEADER, traceparent.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** {@code span}'s {@code traceparent}; {@code null} for a no-op span. */
    public static String traceparent(Span span) {
        if (span == null || span.isNoop()) {
            return null;
        }
        TraceContext c = span.context();
        String traceparent = "00-" + c.traceId() + "-" + c.spanId() + "-" + (Boolean.TRUE.equals(c.sampled()) ? "01" : "00");
        return TRACEPARENT.matcher(traceparent).matches() ? traceparent : null;
    }

    /** What {@link #inLogs} returns: closing it takes the trace out of the log lines again. */
    public interface LogScope extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Puts the trace of {@code traceparent} in the log lines of this thread until the scope is closed (the MDC keys
     * {@code traceId} and {@code spanId} that Spring Boot's log correlation reads), for a log line about work that
     * continues a trace whose span is over (a batch's transaction after its records' consumer spans). Nothing
     * when {@code traceparent} is {@code null} or malformed.
     */
    public static LogScope inLogs(String traceparent) {
        var m = traceparent == null ? null : TRACEPARENT.matcher(traceparent);
        if (m == null || !m.matches()) {
            return () -> {
            };
        }
        org.slf4j.MDC.put("traceId", m.group(1));
        org.slf4j.MDC.put("spanId", m.group(2));
        return () -> {
            org.slf4j.MDC.remove("traceId");
            org.slf4j.MDC.remove("spanId");
        };
    }

    /** The trace id of a {@code traceparent}, {@code null} if it is {@code null} or malformed. */
    public static String traceId(String traceparent) {
        var m = traceparent == null ? null : TRACEPARENT.matcher(traceparent);
        return m != null && m.matches() ? m.group(1) : null;
    }

    private TraceContext context(String traceparent) {
        var m = traceparent == null ? null : TRACEPARENT.matcher(traceparent);
        if (m == null || !m.matches()) {
            return null;
        }
        return tracer.traceContextBuilder().traceId(m.group(1)).spanId(m.group(2))
                .sampled((Integer.parseInt(m.group(3), 16) & 1) == 1).build();
    }
}
