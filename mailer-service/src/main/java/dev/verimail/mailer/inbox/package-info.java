/**
 * The built-in inbox, used when no SendCloud credentials are set: the email is rendered from a local Thymeleaf
 * template, stored, and shown at {@code GET /inbox} (HTML) and {@code GET /api/inbox?to=} (JSON), so the whole flow
 * can be tried without a SendCloud account. Meant for development and demos: the stored links are live.
 */
package dev.verimail.mailer.inbox;
