/**
 * The benchmarks. {@link dev.verimail.benchmark.Benchmark} (the pipeline): starts the whole system against the local
 * MySQL/MariaDB, a real Kafka broker and a SendCloud stand-in with a configurable reply latency, drives a fixed
 * workload, measures latencies with HdrHistogram, checks that nothing was lost or doubled, and writes a Markdown
 * report and SVG charts under {@code target/benchmark/}. Run it with {@code ./run-benchmark.sh}.
 * {@link dev.verimail.benchmark.MailerBenchmark}: mailer-service alone, fed {@code UserRegistered} events straight
 * onto Kafka, to measure the sends per second and calls in flight it sustains against the stand-in; report under
 * {@code target/benchmark-mailer/}. Run it with {@code ./run-benchmark.sh mailer}.
 */
package dev.verimail.benchmark;
