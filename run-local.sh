#!/usr/bin/env bash
# Runs the whole verimail system on this machine with only a JDK 17+: builds it (first run downloads Maven and the
# dependencies), then starts Kafka in-process, an embedded database and the three services. Ctrl-C stops it all.
# See README.md "Run everything" for the settings (VERIMAIL_DB_URL, SENDCLOUD_*, ...).
set -euo pipefail
cd "$(dirname "$0")"
echo "[verimail] Building (skip with VERIMAIL_SKIP_BUILD=true)..."
if [ "${VERIMAIL_SKIP_BUILD:-false}" != "true" ]; then
  ./mvnw -B -q -DskipTests -pl local-stack,registration-service,mailer-service,verification-service -am package
fi
exec java -Dverimail.home="$PWD" -jar local-stack/target/local-stack-exec.jar
