/**
 * Kafka wiring: the topics this service creates, the dead-letter handling of unreadable records, and the listener
 * that applies {@code verification-events} ({@code EmailVerified}, {@code EmailUndeliverable}). Publishing goes
 * through the outbox module, never from here.
 */
package dev.verimail.registration.messaging;
