package dev.verimail.events;

/**
 * Kafka header names of the CloudEvents Kafka protocol binding, binary content mode: the record value is the event
 * JSON and the CloudEvents attributes travel as headers, so CloudEvents-aware consumers can subscribe without
 * knowing verimail.
 */
public final class CloudEventHeaders {

    public static final String SPEC_VERSION = "ce_specversion";
    public static final String ID = "ce_id";
    public static final String TYPE = "ce_type";
    public static final String SOURCE = "ce_source";
    public static final String TIME = "ce_time";
    public static final String CONTENT_TYPE = "content-type";
    /**
     * Not a CloudEvents attribute and optional: the W3C trace context of the work that produced the event
     * ({@code 00-<trace id>-<span id>-<flags>}), under the name OpenTelemetry's Kafka instrumentation reads, so a
     * subscriber's tracing continues verimail's trace. Absent when tracing is off.
     */
    public static final String TRACEPARENT = "traceparent";

    public static final String SPEC_VERSION_1_0 = "1.0";
    public static final String APPLICATION_JSON = "application/json";

    private CloudEventHeaders() {
    }
}
