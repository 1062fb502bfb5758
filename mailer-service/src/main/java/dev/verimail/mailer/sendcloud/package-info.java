/**
 * The SendCloud client: one form-encoded call to {@code /apiv2/mail/sendtemplate} per attempt, and the rules that
 * tell a transient failure (worth a retry) from a permanent one. Active with {@code MAILER_TRANSPORT=sendcloud}, the
 * default.
 */
package dev.verimail.mailer.sendcloud;
