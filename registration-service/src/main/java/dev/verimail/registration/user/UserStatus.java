package dev.verimail.registration.user;

/**
 * Where a sign-up stands. {@code UNDELIVERABLE}: the mail provider reported that the latest link cannot reach the
 * address ({@code EmailUndeliverable}); a resend makes the user PENDING again, and a new sign-up with the address
 * replaces the user.
 */
public enum UserStatus {
    PENDING, VERIFIED, UNDELIVERABLE
}
