package dev.verimail.registration.web;

import java.net.URI;
import java.time.Instant;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.verimail.registration.user.Registrations;
import dev.verimail.registration.user.Signup;
import dev.verimail.registration.user.User;

@RestController
@RequestMapping(path = "/api/registrations", produces = MediaType.APPLICATION_JSON_VALUE)
class RegistrationApi {

    private final Registrations registrations;

    RegistrationApi(Registrations registrations) {
        this.registrations = registrations;
    }

    /** 202: the user is stored and the verification email is on its way, asynchronously. */
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<RegistrationView> register(@RequestBody RegistrationRequest request) {
        User user = registrations.register(Signup.of(request.name(), request.email()));
        return ResponseEntity.accepted()
                .location(URI.create("/api/registrations/" + user.getId()))
                .body(RegistrationView.of(user));
    }

    /**
     * Always 202 (or 429 within the cooldown), whether or not the address is registered and pending: the answer
     * never tells who has an account.
     */
    @PostMapping(path = "/resend", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Void> resend(@RequestBody ResendRequest request) {
        registrations.resend(request.email());
        return ResponseEntity.accepted().build();
    }

    /**
     * Public: only whether a sign-up is verified yet. The full record is for operators (a later operator API), so
     * anyone holding an id learns nothing more than its status.
     */
    @GetMapping("/{id}")
    StatusView get(@PathVariable long id) {
        return StatusView.of(registrations.find(id));
    }

    record RegistrationRequest(String name, String email) {
    }

    record ResendRequest(String email) {
    }

    /** The sign-up's answer, {@code {"id","name","email","status","registeredAt"}}. */
    record RegistrationView(long id, String name, String email, String status, Instant registeredAt) {

        static RegistrationView of(User user) {
            return new RegistrationView(user.getId(), user.getName(), user.getEmail(), user.getStatus().name(),
                    user.getRegisteredAt());
        }
    }

    /** What anyone may read about a registration: {@code {"id","status"}}. */
    record StatusView(long id, String status) {

        static StatusView of(User user) {
            return new StatusView(user.getId(), user.getStatus().name());
        }
    }
}
