/**
 * Events published by verification-service on {@link dev.verimail.events.Topics#VERIFICATION_EVENTS}: the public
 * stream any service may subscribe to.
 */
package dev.verimail.events.verification;
