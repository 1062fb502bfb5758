/** Typed settings of the service. */
package dev.verimail.verification.config;
