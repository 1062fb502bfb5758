package dev.verimail.testbed;

import dev.verimail.events.registration.RegistrationEvent;
import dev.verimail.events.registration.UserRegistered;
import dev.verimail.events.registration.VerificationReissued;
import dev.verimail.events.secret.AuthcodeDigest;
import dev.verimail.events.secret.SecretBox;

/**
 * Challenge events as registration-service writes them (v2: the authcode hashed and sealed with
 * {@link TestBedInitializer#SECRET_KEYS}), for tests that publish their own: a test makes the v1 event it knows the
 * authcode of and hands {@link #v2} what goes on the bus.
 */
public final class SealedChallenges {

    /** The box of every service a test starts. */
    public static final SecretBox BOX = SecretBox.parse(TestBedInitializer.SECRET_KEYS);

    private SealedChallenges() {
    }

    /** The v2 form of a v1 event: same fields (locale too), the authcode only as its hash and sealed. A v2 event is returned as is. */
    public static RegistrationEvent v2(RegistrationEvent event) {
        if (event.sealed()) {
            return event;
        }
        String hash = AuthcodeDigest.of(event.authcode());
        String sealed = BOX.seal(event.authcode(), SecretBox.authcodeContext(event.userId(), event.token()));
        if (event instanceof UserRegistered) {
            return UserRegistered.v2(event.eventId(), event.occurredAt(), event.userId(), event.name(), event.email(),
                    event.token(), event.expiresAt(), hash, sealed).withLocale(event.locale());
        }
        return VerificationReissued.v2(event.eventId(), event.occurredAt(), event.userId(), event.name(),
                event.email(), event.token(), event.expiresAt(), hash, sealed).withLocale(event.locale());
    }

    /** The authcode of a v2 event, opened as the mailer does. */
    public static String authcode(RegistrationEvent event) {
        return event.sealed() ? BOX.open(event.sealedAuthcode(), SecretBox.authcodeContext(event.userId(), event.token()))
                : event.authcode();
    }

    /** The 6-digit code of an event, opened as the mailer does; {@code null} if it carries none. */
    public static String code(RegistrationEvent event) {
        return event.sealedCode() == null ? null
                : BOX.open(event.sealedCode(), SecretBox.codeContext(event.userId(), event.token()));
    }
}
