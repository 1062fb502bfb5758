/**
 * Who may call what ({@code ../shared/DESIGN.md}, "Surfaces and access"): {@link
 * dev.verimail.web.security.ServiceSecurity} builds each service's Spring Security chain from the public paths it
 * lists; operator APIs need a token of {@link dev.verimail.web.security.OperatorTokens}; {@link
 * dev.verimail.web.security.ClientAddresses} says which address a request is counted under for the abuse limits.
 */
package dev.verimail.web.security;
