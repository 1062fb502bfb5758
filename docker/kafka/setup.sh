#!/usr/bin/env bash
# kafka-setup of docker-compose.yml, run once per `up` as the super user admin: the topics, one SCRAM user per
# service and for the example subscriber, and their ACLs. Safe to run again (existing topics, users and ACLs are
# kept or updated). The ACLs are local-kafka's KafkaAccess.verimail(): keep the two in step.
set -euo pipefail
. /opt/verimail/common.sh
for var in KAFKA_ADMIN_PASSWORD KAFKA_REGISTRATION_PASSWORD KAFKA_MAILER_PASSWORD KAFKA_VERIFICATION_PASSWORD \
    KAFKA_SUBSCRIBER_PASSWORD; do
  require_password "$var"
done
bootstrap=${KAFKA_BOOTSTRAP:-kafka:9092}
admin=/tmp/admin.properties
write_admin_client_config "$admin"
bin=/opt/kafka/bin

# registration-events and its DLT carry sealed one-time secrets: kept about as long as a link lives (RETENTION_MS,
# the services' VERIMAIL_TRUST_REGISTRATION_RETENTION), in segments of at most an hour so that old records are really
# deleted; verification-events keeps the broker's default (it is the public stream)
retention=${RETENTION_MS:-86400000}
for topic in registration-events registration-events.DLT; do
  "$bin/kafka-topics.sh" --bootstrap-server "$bootstrap" --command-config "$admin" --create --if-not-exists \
    --topic "$topic" --partitions 6 --replication-factor 1 \
    --config retention.ms="$retention" --config segment.ms=3600000
  "$bin/kafka-configs.sh" --bootstrap-server "$bootstrap" --command-config "$admin" --alter --entity-type topics \
    --entity-name "$topic" --add-config retention.ms="$retention",segment.ms=3600000 >/dev/null
done
for topic in verification-events verification-events.DLT; do
  "$bin/kafka-topics.sh" --bootstrap-server "$bootstrap" --command-config "$admin" --create --if-not-exists \
    --topic "$topic" --partitions 6 --replication-factor 1
done

user() { # name password
  "$bin/kafka-configs.sh" --bootstrap-server "$bootstrap" --command-config "$admin" --alter \
    --entity-type users --entity-name "$1" --add-config "SCRAM-SHA-256=[iterations=8192,password=$2]" >/dev/null
  echo "SCRAM user $1 set"
}
user registration "$KAFKA_REGISTRATION_PASSWORD"
user mailer "$KAFKA_MAILER_PASSWORD"
user verification "$KAFKA_VERIFICATION_PASSWORD"
user subscriber "$KAFKA_SUBSCRIBER_PASSWORD"

acl() { # principal then kafka-acls.sh resource and operation options
  local principal=$1; shift
  "$bin/kafka-acls.sh" --bootstrap-server "$bootstrap" --command-config "$admin" --add \
    --allow-principal "User:$principal" "$@" >/dev/null
}
creates() { local p=$1; shift; for t in "$@"; do acl "$p" --operation Create --operation Describe --topic "$t"; done; }
configures() { local p=$1; shift; for t in "$@"; do acl "$p" --operation DescribeConfigs --operation AlterConfigs --topic "$t"; done; }
writes()  { local p=$1; shift; for t in "$@"; do acl "$p" --operation Write --operation Describe --topic "$t"; done; }
reads()   { acl "$1" --operation Read --operation Describe --topic "$2"; acl "$1" --operation Read --group "$3"; }

# registration-service: writes registration-events (outbox), verification-events (outbox: EmailChanged) and
# verification-events.DLT, reads verification-events, replays registration-events.DLT
creates registration registration-events verification-events verification-events.DLT
configures registration registration-events
writes registration registration-events verification-events verification-events.DLT
reads registration verification-events registration-email-verified
reads registration registration-events.DLT verimail-dead-letter-replay
# mailer-service: reads registration-events, writes registration-events.DLT and verification-events (outbox:
# EmailUndeliverable)
creates mailer registration-events registration-events.DLT verification-events
configures mailer registration-events registration-events.DLT
writes mailer verification-events registration-events.DLT
reads mailer registration-events mailer-registration-events
# verification-service: writes verification-events (outbox) and registration-events.DLT, reads registration-events,
# replays verification-events.DLT
creates verification registration-events registration-events.DLT verification-events
configures verification registration-events registration-events.DLT
writes verification verification-events registration-events.DLT
reads verification registration-events verification-challenges
reads verification verification-events.DLT verimail-dead-letter-replay
# the example subscriber: reads verification-events as group example-subscriber, nothing else
reads subscriber verification-events example-subscriber

echo "Kafka set up: topics, users registration mailer verification subscriber, ACLs"
