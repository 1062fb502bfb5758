/**
 * The HTTP edge that registration-service and verification-service share, so both answer hostile or oversized
 * requests the same way: {@link dev.verimail.web.Problems} (stable problem types), {@link
 * dev.verimail.web.RequestBodyLimitFilter} (413 over the limit), {@link dev.verimail.web.StrictUtf8JsonFilter}
 * (400 for JSON that is not well-formed UTF-8), {@link dev.verimail.web.StrictJsonInput} (no type coercion, no
 * duplicate keys) and {@link dev.verimail.web.SecurityHeadersFilter}. Services register them as beans with their
 * own limits and page policy.
 */
package dev.verimail.web;
