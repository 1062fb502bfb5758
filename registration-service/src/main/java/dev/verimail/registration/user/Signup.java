package dev.verimail.registration.user;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A validated, normalised sign-up. The only way to get one is {@link #of}, so a {@code Signup} is always valid.
 *
 * @param name     trimmed, 1-100 characters (code points), no control, invisible formatting or bidi control
 *                 characters
 * @param email    trimmed, as the person typed it
 * @param emailKey lower-case form of the address; unique across users
 * @param locale   the language the person signed up in ({@code en}, {@code zh-CN}); null when not known
 */
public record Signup(String name, String email, String emailKey, String locale) {

    public static final int MAX_NAME = 100;
    public static final int MAX_EMAIL = 254;

    private static final Pattern LOCAL_PART = Pattern.compile("[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*");
    private static final Pattern DOMAIN = Pattern.compile("([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,63}");

    /**
     * Validates and normalises what a person typed.
     *
     * @throws InvalidSignupException with one message per failing field
     */
    public static Signup of(String rawName, String rawEmail) {
        Map<String, Problem> errors = new LinkedHashMap<>();
        String name = rawName == null ? "" : trimName(rawName);
        String email = rawEmail == null ? "" : rawEmail.strip();

        Problem nameProblem = nameProblem(name);
        if (nameProblem != null) {
            errors.put("name", nameProblem);
        }
        Problem emailProblem = emailProblem(email);
        if (emailProblem != null) {
            errors.put("email", emailProblem);
        }
        if (!errors.isEmpty()) {
            throw new InvalidSignupException(errors);
        }
        return new Signup(name, email, emailKey(email), null);
    }

    /** This sign-up in the language {@code locale} (a BCP 47 tag, {@code en} or {@code zh-CN}). */
    public Signup withLocale(String locale) {
        return new Signup(name, email, emailKey, locale);
    }

    /**
     * Why a field does not pass: the English text (the API's problem details) and the key of the same text in the
     * pages' {@code messages*.properties}.
     */
    public enum Problem {
        NAME_EMPTY("signup.error.name.empty", "Please enter your name."),
        NAME_TOO_LONG("signup.error.name.too-long", "Please use at most " + MAX_NAME + " characters for your name."),
        NAME_CHARACTERS("signup.error.name.characters",
                "Your name contains characters we cannot accept (control or formatting characters)."),
        EMAIL_EMPTY("signup.error.email.empty", "Please enter your email address."),
        EMAIL_TOO_LONG("signup.error.email.too-long", "An email address has at most " + MAX_EMAIL + " characters."),
        EMAIL_FORM("signup.error.email.form", "Please enter an email address like name@example.com.");

        private final String key;
        private final String text;

        Problem(String key, String text) {
            this.key = key;
            this.text = text;
        }

        public String key() {
            return key;
        }

        public String text() {
            return text;
        }
    }

    /** The form under which an address is unique: trimmed and lower-cased. */
    public static String emailKey(String email) {
        return email.strip().toLowerCase(Locale.ROOT);
    }

    /**
     * Removes white space at both ends, including the Unicode spaces {@link String#strip()} keeps (no-break space,
     * narrow no-break space, figure space), so a name of spaces alone counts as empty, not as a blank name.
     */
    public static String trimName(String raw) {
        int start = 0;
        int end = raw.length();
        while (start < end && isSpace(raw.codePointAt(start))) {
            start += Character.charCount(raw.codePointAt(start));
        }
        while (end > start && isSpace(raw.codePointBefore(end))) {
            end -= Character.charCount(raw.codePointBefore(end));
        }
        return raw.substring(start, end);
    }

    private static boolean isSpace(int cp) {
        return Character.isWhitespace(cp) || Character.isSpaceChar(cp);
    }

    static Problem nameProblem(String name) {
        if (name.isEmpty()) {
            return Problem.NAME_EMPTY;
        }
        if (name.codePointCount(0, name.length()) > MAX_NAME) {
            return Problem.NAME_TOO_LONG;
        }
        if (name.codePoints().anyMatch(Signup::forbiddenInName)) {
            return Problem.NAME_CHARACTERS;
        }
        return null;
    }

    /**
     * Control characters, lone surrogates, unassigned and private-use code points, line breaks, and every invisible
     * formatting character (Unicode category Cf: bidi embeddings, overrides, isolates and marks, zero-width space,
     * word joiner, soft hyphen, BOM, tag characters), except the zero-width (non-)joiner that Persian and Indic
     * names and emoji sequences need. U+FFFD is what undecodable input turns into: never part of a real name.
     */
    static boolean forbiddenInName(int cp) {
        int type = Character.getType(cp);
        return type == Character.CONTROL || type == Character.SURROGATE || type == Character.UNASSIGNED
                || type == Character.PRIVATE_USE || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR
                || (type == Character.FORMAT && cp != 0x200C && cp != 0x200D)
                || cp == 0xFFFD;
    }

    static Problem emailProblem(String email) {
        if (email.isEmpty()) {
            return Problem.EMAIL_EMPTY;
        }
        if (email.length() > MAX_EMAIL) {
            return Problem.EMAIL_TOO_LONG;
        }
        int at = email.lastIndexOf('@');
        if (at <= 0 || at == email.length() - 1) {
            return Problem.EMAIL_FORM;
        }
        String local = email.substring(0, at);
        String domain = email.substring(at + 1);
        if (local.length() > 64 || !LOCAL_PART.matcher(local).matches() || !DOMAIN.matcher(domain).matches()) {
            return Problem.EMAIL_FORM;
        }
        return null;
    }
}
