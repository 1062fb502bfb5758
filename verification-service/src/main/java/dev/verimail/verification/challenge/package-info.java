/**
 * Verification challenges: storing the ones announced on {@code registration-events} (newest per user wins,
 * redeliveries change nothing), and verifying a link once, together with its {@code EmailVerified} outbox row.
 */
package dev.verimail.verification.challenge;
