package dev.verimail.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.otel.bridge.OtelCurrentTraceContext;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;

/** {@link Traces} over the OpenTelemetry tracer the services run with (no exporter: nothing leaves the test). */
class TracesTests {

    /** Every span that ended, as an exporter would get it. */
    private final List<SpanData> ended = new CopyOnWriteArrayList<>();
    private final SdkTracerProvider provider = SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(new SpanExporter() {
                @Override
                public CompletableResultCode export(Collection<SpanData> spans) {
                    ended.addAll(spans);
                    return CompletableResultCode.ofSuccess();
                }

                @Override
                public CompletableResultCode flush() {
                    return CompletableResultCode.ofSuccess();
                }

                @Override
                public CompletableResultCode shutdown() {
                    return CompletableResultCode.ofSuccess();
                }
            })).build();
    private final Tracer tracer = new OtelTracer(
            OpenTelemetrySdk.builder().setTracerProvider(provider).build().getTracer("test"),
            new OtelCurrentTraceContext(), event -> {
            });
    private final Traces traces = new Traces(tracer);

    @AfterEach
    void close() {
        provider.close();
    }

    @Test
    void aSpanStartedFromAStoredTraceparentContinuesThatTrace() {
        Span request = traces.start("http post", null, Span.Kind.SERVER);
        String stored;
        try (Tracer.SpanInScope scope = tracer.withSpan(request)) {
            stored = traces.current();
        }
        request.end();
        assertThat(stored).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
        assertThat(Traces.traceId(stored)).isEqualTo(request.context().traceId());

        // later, on another thread, with no current span: the relay's publish
        Span publish = traces.start("registration-events publish", stored, Span.Kind.PRODUCER);
        assertThat(publish.context().traceId()).isEqualTo(request.context().traceId());
        assertThat(publish.context().parentId()).isEqualTo(request.context().spanId());
        publish.end();
    }

    @Test
    void noOrAMalformedTraceparentStartsANewTrace() {
        Span a = traces.start("a", null, null);
        Span b = traces.start("b", "00-not-a-trace-01", null);
        Span c = traces.start("c", "00-" + "0".repeat(31) + "g-" + "1".repeat(16) + "-01", null);
        assertThat(a.context().traceId()).isNotEqualTo(b.context().traceId()).isNotEqualTo(c.context().traceId());
        assertThat(b.context().parentId()).isNull();
        assertThat(Traces.traceId("00-not-a-trace-01")).isNull();
        assertThat(Traces.traceId(null)).isNull();
    }

    @Test
    void theRecordCarriesTheProducerSpanToTheConsumerSpan() {
        Span publish = traces.start("t publish", null, Span.Kind.PRODUCER);
        ProducerRecord<String, String> sent = new ProducerRecord<>("t", "k", "v");
        sent.headers().add(Traces.HEADER, "stale".getBytes(StandardCharsets.UTF_8));
        Traces.inject(publish, sent);
        assertThat(sent.headers().headers(Traces.HEADER)).as("one traceparent, the span's").hasSize(1);

        ConsumerRecord<String, String> received = new ConsumerRecord<>("t", 0, 0, "k", "v");
        sent.headers().forEach(h -> received.headers().add(h));
        StringBuilder handedOn = new StringBuilder();
        String read = traces.receiving(received, r -> {
            assertThat(traces.current()).as("the read runs in the consumer span").isNotNull();
            return r.value();
        }, (value, traceparent) -> handedOn.append(traceparent));
        assertThat(read).isEqualTo("v");
        assertThat(Traces.traceId(handedOn.toString())).isEqualTo(publish.context().traceId());
        assertThat(traces.current()).as("the consumer span is over").isNull();
    }

    @Test
    void theClicksSpanIsInTheCurrentTraceAndLinksToTheSignups() {
        Span signup = traces.start("signup", null, null);
        String signupTraceparent = Traces.traceparent(signup);
        Span click = traces.start("http post /verify", null, Span.Kind.SERVER);
        try (Tracer.SpanInScope scope = tracer.withSpan(click)) {
            Span confirm = traces.startLinked("verification confirm", signupTraceparent);
            assertThat(confirm.context().traceId()).isEqualTo(click.context().traceId())
                    .isNotEqualTo(signup.context().traceId());
            confirm.end();
            SpanData recorded = ended.stream().filter(span -> span.getName().equals("verification confirm"))
                    .findFirst().orElseThrow();
            assertThat(recorded.getLinks()).extracting(link -> link.getSpanContext().getTraceId())
                    .containsExactly(signup.context().traceId());
        }
    }

    @Test
    void inLogsPutsTheTraceInTheMdcUntilClosed() {
        String traceparent = "00-" + "a".repeat(32) + "-" + "b".repeat(16) + "-01";
        try (Traces.LogScope scope = Traces.inLogs(traceparent)) {
            assertThat(MDC.get("traceId")).isEqualTo("a".repeat(32));
            assertThat(MDC.get("spanId")).isEqualTo("b".repeat(16));
        }
        assertThat(MDC.get("traceId")).isNull();
        try (Traces.LogScope scope = Traces.inLogs(null)) {
            assertThat(MDC.get("traceId")).isNull();
        }
    }

    @Test
    void withTracingOffNothingIsStoredOrSent() {
        Traces off = new Traces(Tracer.NOOP);
        Span span = off.start("x", null, Span.Kind.PRODUCER);
        assertThat(off.current()).isNull();
        assertThat(Traces.traceparent(span)).isNull();
        ProducerRecord<String, String> record = new ProducerRecord<>("t", "v");
        Traces.inject(span, record);
        assertThat(record.headers().lastHeader(Traces.HEADER)).isNull();
    }
}
