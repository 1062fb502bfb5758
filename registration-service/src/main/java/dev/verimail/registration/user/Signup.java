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
 */
public record Signup(String name, String email, String emailKey) {

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
        Map<String, String> errors = new LinkedHashMap<>();
        String name = rawName == null ? "" : trimName(rawName);
        String email = rawEmail == null ? "" : rawEmail.strip();

        String nameProblem = nameProblem(name);
        if (nameProblem != null) {
            errors.put("name", nameProblem);
        }
        String emailProblem = emailProblem(email);
        if (emailProblem != null) {
            errors.put("email", emailProblem);
        }
        if (!errors.isEmpty()) {
            throw new InvalidSignupException(errors);
        }
        return new Signup(name, email, emailKey(email));
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

    static String nameProblem(String name) {
        if (name.isEmpty()) {
            return "Please enter your name.";
        }
        if (name.codePointCount(0, name.length()) > MAX_NAME) {
            return "Please use at most " + MAX_NAME + " characters for your name.";
        }
        if (name.codePoints().anyMatch(Signup::forbiddenInName)) {
            return "Your name contains characters we cannot accept (control or formatting characters).";
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

    static String emailProblem(String email) {
        if (email.isEmpty()) {
            return "Please enter your email address.";
        }
        if (email.length() > MAX_EMAIL) {
            return "An email address has at most " + MAX_EMAIL + " characters.";
        }
        int at = email.lastIndexOf('@');
        if (at <= 0 || at == email.length() - 1) {
            return "Please enter an email address like name@example.com.";
        }
        String local = email.substring(0, at);
        String domain = email.substring(at + 1);
        if (local.length() > 64 || !LOCAL_PART.matcher(local).matches() || !DOMAIN.matcher(domain).matches()) {
            return "Please enter an email address like name@example.com.";
        }
        return null;
    }
}
