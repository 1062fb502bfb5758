/**
 * Link tokens that prove they were issued by registration-service without a database: registration signs them,
 * verification-service checks them when it has not stored the challenge yet.
 */
package dev.verimail.web.link;
