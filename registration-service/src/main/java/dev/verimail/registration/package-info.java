/**
 * registration-service: takes sign-ups, stores users, and publishes {@code UserRegistered} through the outbox.
 * Marks users VERIFIED when {@code EmailVerified} arrives. Features live in subpackages: {@code user} (the domain),
 * {@code web} (HTML form and JSON API), {@code messaging} (Kafka wiring and listeners), {@code config}.
 */
package dev.verimail.registration;
