/**
 * Events published by registration-service on {@link dev.verimail.events.Topics#REGISTRATION_EVENTS}.
 */
package dev.verimail.events.registration;
