/**
 * verification-service: keeps the verification challenges announced on {@code registration-events}, checks the
 * links people click, and publishes {@code EmailVerified} through the outbox. Features live in subpackages:
 * {@code challenge} (the domain: challenges, supersession, single use), {@code web} (the verify pages and the JSON
 * API), {@code messaging} (Kafka wiring and the listener), {@code config}.
 */
package dev.verimail.verification;
