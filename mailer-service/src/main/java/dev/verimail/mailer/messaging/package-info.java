/**
 * Kafka wiring: the topics this service creates, the dead-letter topic for unreadable records, and the batch
 * listener that hands registration events to the mailer. This service publishes nothing but dead letters.
 */
package dev.verimail.mailer.messaging;
