package dev.verimail.events;

/**
 * Default topic names. Every service lets operators override them; these are what they default to.
 */
public final class Topics {

    /**
     * {@code UserRegistered} and {@code VerificationReissued}, {@code RegistrationExpired} and
     * {@code SignupAttempted}. Carries one-time secrets (token and authcode): only
     * the mailer and verification services should be allowed to read it.
     */
    public static final String REGISTRATION_EVENTS = "registration-events";

    /** {@code EmailVerified}. Carries no secret: the public stream other teams subscribe to. */
    public static final String VERIFICATION_EVENTS = "verification-events";

    private Topics() {
    }
}
