/** Typed settings of the service. */
package dev.verimail.registration.config;
