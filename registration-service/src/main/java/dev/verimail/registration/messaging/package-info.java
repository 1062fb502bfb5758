/**
 * Kafka wiring: the topics this service creates, the dead-letter handling of unreadable records, and the listener
 * that applies {@code EmailVerified}. Publishing goes through the outbox module, never from here.
 */
package dev.verimail.registration.messaging;
