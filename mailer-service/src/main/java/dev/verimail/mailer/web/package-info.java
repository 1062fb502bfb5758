/** Problem details (RFC 9457) for every error of the JSON endpoints. */
package dev.verimail.mailer.web;
