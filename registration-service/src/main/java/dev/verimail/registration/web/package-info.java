/**
 * HTTP: the JSON API ({@code /api/registrations}), the sign-up form ({@code /register}), RFC 9457 problem details
 * for every API error, and the request body limit.
 */
package dev.verimail.registration.web;
