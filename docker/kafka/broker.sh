#!/usr/bin/env bash
# The kafka container of docker-compose.yml: one KRaft node (broker and controller) whose clients log in with
# SASL/SCRAM-SHA-256 on kafka:9092 and whose every request is checked against ACLs (StandardAuthorizer, nothing
# allowed without an ACL). The super user admin gets its SCRAM credential when the data volume is first formatted;
# kafka-setup (setup.sh) then creates the other users, their ACLs and the topics. The controller listener is on
# the container's loopback only, SASL/PLAIN as admin. Same configuration as local-kafka's LocalKafka.secured.
set -euo pipefail
. /opt/verimail/common.sh
require_password KAFKA_ADMIN_PASSWORD

data=/var/lib/kafka/data
conf=/tmp/server.properties
umask 077
cat > "$conf" <<CONF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@localhost:9093
listeners=CLIENT://:9092,CONTROLLER://localhost:9093
advertised.listeners=CLIENT://kafka:9092
controller.listener.names=CONTROLLER
inter.broker.listener.name=CLIENT
listener.security.protocol.map=CLIENT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT
sasl.enabled.mechanisms=SCRAM-SHA-256
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-256
listener.name.client.sasl.enabled.mechanisms=SCRAM-SHA-256
listener.name.client.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="${KAFKA_ADMIN_PASSWORD}";
sasl.mechanism.controller.protocol=PLAIN
listener.name.controller.sasl.enabled.mechanisms=PLAIN
listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="${KAFKA_ADMIN_PASSWORD}" user_admin="${KAFKA_ADMIN_PASSWORD}";
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
super.users=User:admin
auto.create.topics.enable=false
num.partitions=6
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
log.dirs=${data}
CONF
# for the healthcheck
write_admin_client_config /tmp/admin.properties

if [ ! -f "$data/meta.properties" ]; then
  /opt/kafka/bin/kafka-storage.sh format -c "$conf" -t "$(/opt/kafka/bin/kafka-storage.sh random-uuid)" \
    --add-scram "SCRAM-SHA-256=[name=admin,password=${KAFKA_ADMIN_PASSWORD}]"
fi
exec /opt/kafka/bin/kafka-server-start.sh "$conf"
