package dev.verimail.verification.web;

import java.util.regex.Pattern;

/**
 * What a person types for the code: spaces and dashes are dropped ("123 456", "123-456"); the rest must be six
 * ASCII digits. The address must be there and fit an address.
 */
final class CodeForm {

    private static final Pattern SIX_DIGITS = Pattern.compile("[0-9]{6}");

    private CodeForm() {
    }

    /** The code as six digits, or {@code null} if it is not one. */
    static String normalize(String code) {
        if (code == null || code.length() > 32) {
            return null;
        }
        String digits = code.replaceAll("[\\s-]", "");
        return SIX_DIGITS.matcher(digits).matches() ? digits : null;
    }

    static boolean isAddress(String email) {
        return email != null && !email.isBlank() && email.strip().length() <= 254;
    }
}
