/**
 * Users and sign-up: validation and normalisation of what people type, the users table, and the transaction that
 * stores a user together with its {@code UserRegistered} outbox row.
 */
package dev.verimail.registration.user;
