/**
 * The SendCloud client: one form-encoded call to {@code /apiv2/mail/sendtemplate} per attempt, and the rules that
 * tell a transient failure (worth a retry) from a permanent one. Active only when SendCloud credentials are set.
 */
package dev.verimail.mailer.sendcloud;
