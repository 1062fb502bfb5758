/**
 * The one-time secret on the bus: sealed for the mailer ({@link dev.verimail.events.secret.SecretBox}) and hashed
 * for verification-service ({@link dev.verimail.events.secret.AuthcodeDigest}). No Spring.
 */
package dev.verimail.events.secret;
