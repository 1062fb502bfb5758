/**
 * The pipeline benchmark: starts the whole system against the local MySQL/MariaDB, a real Kafka broker and a
 * SendCloud stand-in with a configurable reply latency, drives a fixed workload, measures latencies with
 * HdrHistogram, checks that nothing was lost or doubled, and writes a Markdown report and SVG charts under
 * {@code target/benchmark/}. Run it with {@code ./run-benchmark.sh}.
 */
package dev.verimail.benchmark;
