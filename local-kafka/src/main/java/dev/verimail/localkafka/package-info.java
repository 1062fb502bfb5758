/**
 * A real Kafka broker for places where none is installed: the one-command local stack and tests that need to stop
 * and restart a broker. Single node, KRaft combined mode (broker and controller in one process), data in a directory
 * of your choice so a restart keeps every topic and offset. Plaintext on localhost without authentication by default
 * (the local stack); {@link dev.verimail.localkafka.LocalKafka#secured} gives SASL/SCRAM and ACLs instead, with the
 * policy of {@link dev.verimail.localkafka.KafkaAccess}.
 */
package dev.verimail.localkafka;
