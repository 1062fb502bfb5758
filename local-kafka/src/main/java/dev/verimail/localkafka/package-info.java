/**
 * A real Kafka broker for places where none is installed: the one-command local stack and tests that need to stop
 * and restart a broker. Single node, KRaft combined mode (broker and controller in one process), plaintext on
 * localhost, data in a directory of your choice so a restart keeps every topic and offset.
 */
package dev.verimail.localkafka;
