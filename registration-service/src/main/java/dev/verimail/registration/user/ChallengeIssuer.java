package dev.verimail.registration.user;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

import org.springframework.stereotype.Component;

import dev.verimail.events.registration.EmailChangeRequested;
import dev.verimail.events.registration.UserRegistered;
import dev.verimail.events.registration.VerificationReissued;
import dev.verimail.events.secret.AuthcodeDigest;
import dev.verimail.events.secret.SecretBox;
import dev.verimail.web.link.SignedTokens;

/**
 * A new verification link for a user, as the v2 event that announces it. The token names the challenge (a
 * {@link SignedTokens signed token}); the authcode, 256 random bits, URL-safe, is its secret and exists in clear
 * only here, for the time it takes to hash and seal it: verification-service gets its SHA-256, the mailer the
 * authcode sealed with {@code VERIMAIL_SECRET_KEYS}. The outbox row and the Kafka record hold the same two. Each
 * event carries the user's language ({@code locale}, absent when not known), so the email and the confirm page
 * speak it; a resend uses the language stored at sign-up.
 * <p>
 * Every link also gets a 6-digit code (for a person who reads the email on another device): the mailer gets it
 * sealed ({@link SecretBox#codeContext}), verification-service its keyed hash ({@link SignedTokens#codeHash}).
 */
@Component
class ChallengeIssuer {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private final SignedTokens tokens;
    private final SecretBox box;

    ChallengeIssuer(SignedTokens tokens, SecretBox box) {
        this.tokens = tokens;
        this.box = box;
    }

    UserRegistered registered(User user, Instant now, Instant expiresAt) {
        Link link = link(user.getId(), expiresAt);
        return UserRegistered.v2(UUID.randomUUID(), now, user.getId(), user.getName(), user.getEmail(), link.token,
                expiresAt, link.authcodeHash, link.sealedAuthcode).withCode(link.sealedCode, link.codeHash)
                .withLocale(user.getLocale());
    }

    VerificationReissued reissued(User user, Instant now, Instant expiresAt) {
        Link link = link(user.getId(), expiresAt);
        return VerificationReissued.v2(UUID.randomUUID(), now, user.getId(), user.getName(), user.getEmail(),
                link.token, expiresAt, link.authcodeHash, link.sealedAuthcode).withCode(link.sealedCode, link.codeHash)
                .withLocale(user.getLocale());
    }

    /**
     * The challenge of an address change: a link for {@code newEmail}, with the user's current address as
     * {@code previousEmail} (it gets a notice). Same link, secret and code as a sign-up's, in the user's language.
     */
    EmailChangeRequested changeRequested(User user, String newEmail, Instant now, Instant expiresAt) {
        Link link = link(user.getId(), expiresAt);
        return new EmailChangeRequested(UUID.randomUUID(), now, user.getId(), user.getName(), newEmail,
                user.getEmail(), link.token, expiresAt, link.authcodeHash, link.sealedAuthcode, link.sealedCode,
                link.codeHash, user.getLocale());
    }

    private Link link(long userId, Instant expiresAt) {
        String token = tokens.issue(expiresAt);
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String authcode = BASE64URL.encodeToString(secret);
        // the code beside the link: 6 digits, uniform over 000000-999999; never stored here either
        String code = String.format("%06d", RANDOM.nextInt(1_000_000));
        return new Link(token, AuthcodeDigest.of(authcode), box.seal(authcode, SecretBox.authcodeContext(userId, token)),
                box.seal(code, SecretBox.codeContext(userId, token)), tokens.codeHash(token, code));
    }

    private record Link(String token, String authcodeHash, String sealedAuthcode, String sealedCode, String codeHash) {
    }
}
