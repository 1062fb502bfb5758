/**
 * The SMTP transport ({@code MAILER_TRANSPORT=smtp}): one connection to the server configured by Boot's
 * {@code spring.mail.*} per email, the same email the built-in inbox shows (HTML and plain text from the same
 * template data), our own Message-ID, and the rules that tell a transient failure (4xx, no connection, a timeout)
 * from a permanent one (5xx).
 */
package dev.verimail.mailer.smtp;
