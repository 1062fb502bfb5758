/**
 * HTTP: the verify pages ({@code GET/POST /verify}), the JSON API ({@code POST /api/verifications}), RFC 9457
 * problem details for every API error, the headers that keep links out of caches and referrers, and the request
 * body limit.
 */
package dev.verimail.verification.web;
