#!/usr/bin/env bash
# The pipeline benchmark (see BENCHMARKS.md). Needs the MySQL/MariaDB server the tests use (VERIMAIL_TEST_DB_URL,
# default jdbc:mariadb://127.0.0.1:3306/). Writes benchmark/target/benchmark/report.md and two SVG charts.
# Workload knobs: BENCH_SIGNUPS BENCH_CLIENTS BENCH_OPEN_RATE BENCH_OPEN_SECONDS BENCH_SENDCLOUD_LATENCY_MS
#                 BENCH_CONFIRM_CLIENTS BENCH_SERVICE_JAVA_OPTS BENCH_STORED_CHALLENGES (filler challenges stored
#                 in verification-service before the run, to confirm against a big table)
#
# ./run-benchmark.sh mailer: mailer-service alone against the SendCloud stand-in (MailerBenchmark). Writes
# benchmark/target/benchmark-mailer/report.md. Knobs: BENCH_MAILER_EVENTS BENCH_MAILER_WARMUP BENCH_MAILER_RATE
#                 BENCH_MAILER_RATE_SECONDS BENCH_MAILER_CONCURRENCY BENCH_SENDCLOUD_LATENCY_MS BENCH_SERVICE_JAVA_OPTS
set -euo pipefail
cd "$(dirname "$0")"
case "${1:-}" in
  "")
    modules=benchmark,registration-service,mailer-service,verification-service
    main=dev.verimail.benchmark.Benchmark ;;
  mailer)
    modules=benchmark,mailer-service
    main=dev.verimail.benchmark.MailerBenchmark ;;
  *)
    echo "usage: $0 [mailer]" >&2
    exit 2 ;;
esac
if [ "${VERIMAIL_SKIP_BUILD:-false}" != "true" ]; then
  ./mvnw -B -q -Pbenchmark -DskipTests -pl "$modules" -am \
    package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
fi
exec java -Xmx2g -Dverimail.home="$PWD" -cp "benchmark/target/classes:$(cat benchmark/target/classpath.txt)" \
  "$main"
