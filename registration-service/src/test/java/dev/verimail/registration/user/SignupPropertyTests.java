package dev.verimail.registration.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Locale;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Example;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Property-based tests (jqwik) of the name and email rules: what is accepted, what is stored, what is refused. */
class SignupPropertyTests {

    private static final String VALID_EMAIL = "ada@example.com";
    private static final String VALID_NAME = "Ada";

    // ---- email ----

    @Property(tries = 500)
    void anyAcceptedEmailIsTrimmedShortAndHasOneAtBetweenALocalPartAndADottedDomain(@ForAll("emailLike") String raw) {
        Signup signup;
        try {
            signup = Signup.of(VALID_NAME, raw);
        }
        catch (InvalidSignupException e) {
            assertThat(e.fieldErrors()).containsOnlyKeys("email");
            return;
        }
        String email = signup.email();
        assertThat(email).isEqualTo(raw.strip()).hasSizeLessThanOrEqualTo(Signup.MAX_EMAIL);
        assertThat(email.chars().filter(c -> c == '@').count()).isEqualTo(1);
        String local = email.substring(0, email.indexOf('@'));
        String domain = email.substring(email.indexOf('@') + 1);
        assertThat(local).isNotEmpty().hasSizeLessThanOrEqualTo(64);
        assertThat(local.chars().allMatch(c -> c > 0x20 && c < 0x7F)).as("ASCII local part").isTrue();
        assertThat(domain).contains(".").doesNotStartWith(".").doesNotEndWith(".").doesNotContain("..");
        assertThat(email.codePoints().noneMatch(Character::isISOControl)).isTrue();
    }

    @Property(tries = 300)
    void wellFormedAddressesAreAcceptedWhatEverTheSurroundingWhiteSpace(@ForAll("validEmail") String email,
            @ForAll("whiteSpace") String before, @ForAll("whiteSpace") String after) {
        Signup signup = Signup.of(VALID_NAME, before + email + after);

        assertThat(signup.email()).isEqualTo(email);
        assertThat(signup.emailKey()).isEqualTo(email.toLowerCase(Locale.ROOT));
    }

    @Property(tries = 200)
    void emailKeyIsLowerCaseAndIdempotent(@ForAll("validEmail") String email) {
        String key = Signup.emailKey(email);

        assertThat(key).isEqualTo(key.toLowerCase(Locale.ROOT));
        assertThat(Signup.emailKey(key)).isEqualTo(key);
        assertThat(Signup.emailKey(email.toUpperCase(Locale.ROOT))).isEqualTo(key);
    }

    @Property(tries = 200)
    void addressesOverTheLimitsAreRefused(@ForAll @IntRange(min = 65, max = 300) int localLength) {
        String local = "a".repeat(localLength);
        assertThatThrownBy(() -> Signup.of(VALID_NAME, local + "@example.com"))
                .isInstanceOfSatisfying(InvalidSignupException.class,
                        e -> assertThat(e.fieldErrors()).containsOnlyKeys("email"));
        String longDomain = "a".repeat(60) + "@" + ("b".repeat(60) + ".").repeat(4) + "com";
        assertThat(longDomain.length()).isGreaterThan(Signup.MAX_EMAIL);
        assertThatThrownBy(() -> Signup.of(VALID_NAME, longDomain)).isInstanceOf(InvalidSignupException.class);
    }

    @Property(tries = 200)
    void anAddressWithASecondAtOrAControlCharacterIsRefused(@ForAll("validEmail") String email,
            @ForAll("controlOrAt") char bad, @ForAll @IntRange(min = 0, max = 300) int where) {
        int at = Math.min(where, email.length() - 2) + 1; // inside, where trimming cannot remove it
        String broken = email.substring(0, at) + bad + email.substring(at);

        assertThatThrownBy(() -> Signup.of(VALID_NAME, broken)).isInstanceOf(InvalidSignupException.class);
    }

    // ---- name ----

    @Property(tries = 500)
    void namesOfOneToAHundredAllowedCodePointsAreAcceptedAndKeptExactly(@ForAll("allowedName") String name,
            @ForAll("spaces") String before, @ForAll("spaces") String after) {
        Signup signup = Signup.of(before + name + after, VALID_EMAIL);

        assertThat(signup.name()).isEqualTo(name);
    }

    @Property(tries = 500)
    void anyNameWithAControlBidiOrInvisibleFormattingCharacterIsRefused(@ForAll("allowedName") String name,
            @ForAll("forbiddenInName") int bad, @ForAll @IntRange(min = 0, max = 200) int where) {
        String base = name.substring(0, name.offsetByCodePoints(0, Math.min(50, name.codePointCount(0, name.length()))));
        int offset = base.offsetByCodePoints(0, Math.min(where, base.codePointCount(0, base.length())));
        // between letters, where trimming cannot remove it (a tab at either end is only white space)
        String hostile = "A" + base.substring(0, offset) + Character.toString(bad) + base.substring(offset) + "z";

        assertThatThrownBy(() -> Signup.of(hostile, VALID_EMAIL))
                .isInstanceOfSatisfying(InvalidSignupException.class, e -> assertThat(e.fieldErrors())
                        .containsOnlyKeys("name").extractingByKey("name").asString().contains("cannot accept"));
    }

    @Property(tries = 200)
    void namesOverAHundredCodePointsAreRefused(@ForAll("letter") int letter, @ForAll @IntRange(min = 101, max = 400) int n) {
        String name = Character.toString(letter).repeat(n);

        assertThatThrownBy(() -> Signup.of(name, VALID_EMAIL)).isInstanceOf(InvalidSignupException.class);
    }

    @Property(tries = 200)
    void aNameOfWhiteSpaceAloneIsEmpty(@ForAll("spaces") String spaces) {
        assertThatThrownBy(() -> Signup.of(spaces, VALID_EMAIL))
                .isInstanceOfSatisfying(InvalidSignupException.class,
                        e -> assertThat(e.fieldErrors()).containsEntry("name", "Please enter your name."));
    }

    @Example
    void joinersOfEmojiAndPersianNamesAreAllowed() {
        assertThat(Signup.of("👩‍👩‍👧 Family", VALID_EMAIL).name()).isEqualTo("👩‍👩‍👧 Family");
        assertThat(Signup.of("می‌خواهم", VALID_EMAIL).name()).isEqualTo("می‌خواهم");
    }

    @Example
    void aHundredAstralCodePointsAreAHundredCharacters() {
        String name = "😀".repeat(100);
        assertThat(Signup.of(name, VALID_EMAIL).name()).isEqualTo(name);
    }

    // ---- generators ----

    @Provide
    Arbitrary<String> emailLike() {
        Arbitrary<String> local = Arbitraries.strings().withChars("abcXYZ019.!#$%&'*+/=?^_`{|}~-@ \t\u00e9\u0000")
                .ofMinLength(0).ofMaxLength(70);
        Arbitrary<String> domain = Arbitraries.strings().withChars("abcXYZ019-.@_ ").ofMinLength(0).ofMaxLength(70);
        Arbitrary<String> composed = Combinators.combine(local, domain, spaces(), spaces())
                .as((l, d, b, a) -> b + l + "@" + d + a);
        return Arbitraries.oneOf(composed, validEmail(), Arbitraries.strings().ofMaxLength(300),
                validEmail().map(e -> "x".repeat(250) + e));
    }

    @Provide
    Arbitrary<String> validEmail() {
        Arbitrary<String> atom = Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z')
                .withCharRange('0', '9').withChars("!#$%&'*+/=?^_`{|}~-").ofMinLength(1).ofMaxLength(12);
        Arbitrary<String> local = atom.list().ofMinSize(1).ofMaxSize(4).map(parts -> String.join(".", parts));
        Arbitrary<String> label = Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9')
                .ofMinLength(1).ofMaxLength(20);
        Arbitrary<String> tld = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(2).ofMaxLength(6);
        return Combinators.combine(local, label.list().ofMinSize(1).ofMaxSize(3), tld)
                .as((l, labels, t) -> l + "@" + String.join(".", labels) + "." + t);
    }

    @Provide
    Arbitrary<String> spaces() {
        return Arbitraries.strings().withChars(" \t\n\r\u00a0\u2007\u202f\u3000\u2028").ofMaxLength(3);
    }

    /** What {@link String#strip()} removes around an address. */
    @Provide
    Arbitrary<String> whiteSpace() {
        return Arbitraries.strings().withChars(" \t\n\r\u3000\u2028").ofMaxLength(3);
    }

    @Provide
    Arbitrary<Character> controlOrAt() {
        return Arbitraries.oneOf(Arbitraries.chars().range('\u0000', '\u001f'), Arbitraries.just('@'),
                Arbitraries.just('\u007f'), Arbitraries.just('\u0085'));
    }

    @Provide
    Arbitrary<Integer> letter() {
        return Arbitraries.of((int) 'a', (int) 'é', 0x05D0, 0x0627, 0x4E2D, 0x1F600);
    }

    /** Any code point the rules allow, joined into 1-100 code points that neither start nor end with a space. */
    @Provide
    Arbitrary<String> allowedName() {
        Arbitrary<Integer> any = Arbitraries.integers().between(0x20, 0x10FFFF).filter(cp -> !Signup.forbiddenInName(cp));
        Arbitrary<Integer> common = Arbitraries.of(
                (int) 'A', (int) 'z', (int) ' ', (int) '\'', (int) '<', (int) '>', (int) '&', (int) '"', (int) '%',
                0x00E9, 0x0301, 0x05D0, 0x0627, 0x0644, 0x200C, 0x200D, 0x4E2D, 0x1F600, 0x1F469, 0xFE0F);
        Arbitrary<Integer> cp = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, common), net.jqwik.api.Tuple.of(1, any));
        return cp.list().ofMinSize(1).ofMaxSize(100)
                .map(cps -> new String(cps.stream().mapToInt(Integer::intValue).toArray(), 0, cps.size()))
                .filter(s -> Signup.trimName(s).equals(s) && !s.isEmpty());
    }

    @Provide
    Arbitrary<Integer> forbiddenInName() {
        Arbitrary<Integer> listed = Arbitraries.of(0x00, 0x09, 0x0A, 0x0D, 0x1B, 0x7F, 0x85, 0x9F, 0xAD, 0x061C,
                0x200B, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2060, 0x2066, 0x2067, 0x2068, 0x2069,
                0xFEFF, 0xFFFD, 0xE000, 0xF8FF, 0xE0041, 0x2028, 0x2029, 0xD800, 0xDFFF);
        Arbitrary<Integer> control = Arbitraries.integers().between(0, 0x9F).filter(Character::isISOControl);
        Arbitrary<Integer> format = Arbitraries.integers().between(0, 0x10FFFF)
                .filter(cp -> Character.getType(cp) == Character.FORMAT && cp != 0x200C && cp != 0x200D);
        return Arbitraries.oneOf(listed, control, format);
    }
}
