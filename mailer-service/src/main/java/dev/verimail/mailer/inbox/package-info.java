/**
 * The built-in inbox, used only with {@code MAILER_TRANSPORT=inbox} (never chosen by itself): the email is rendered from a local Thymeleaf
 * template, stored, and shown at {@code GET /inbox} (HTML) and {@code GET /api/inbox?to=} (JSON), so the whole flow
 * can be tried without a SendCloud account. For development only: the stored links are live and {@code /inbox}
 * shows every user's; with any other transport these pages do not exist (404).
 */
package dev.verimail.mailer.inbox;
