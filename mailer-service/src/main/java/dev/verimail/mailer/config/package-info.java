/** Typed settings of the service ({@code mailer.*} and {@code sendcloud.*}) and the clock. */
package dev.verimail.mailer.config;
