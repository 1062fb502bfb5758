/**
 * Kafka wiring: the topics this service creates, the dead-letter handling of unreadable records, and the listener
 * that stores the challenges announced on {@code registration-events}. Publishing goes through the outbox module,
 * never from here.
 */
package dev.verimail.verification.messaging;
