package dev.verimail.registration.user;

public enum UserStatus {
    PENDING, VERIFIED
}
