/**
 * Events on {@link dev.verimail.events.Topics#VERIFICATION_EVENTS}, the public stream any service may subscribe to:
 * {@code EmailVerified} from verification-service, {@code EmailUndeliverable} from mailer-service.
 */
package dev.verimail.events.verification;
