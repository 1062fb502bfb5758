/** The language of pages and emails: English and Simplified Chinese ({@link dev.verimail.web.i18n.Languages}). */
package dev.verimail.web.i18n;
