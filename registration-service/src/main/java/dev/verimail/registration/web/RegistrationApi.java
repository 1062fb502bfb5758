package dev.verimail.registration.web;

import java.net.URI;
import java.time.Instant;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.RequestContextUtils;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.headers.Header;
import jakarta.servlet.http.HttpServletRequest;

import dev.verimail.registration.user.AddressChanges;
import dev.verimail.registration.user.EmailChange;
import dev.verimail.registration.user.Registrations;
import dev.verimail.registration.user.Signup;
import dev.verimail.registration.user.User;
import dev.verimail.web.ApiDocuments;
import dev.verimail.web.i18n.Languages;
import dev.verimail.web.security.ClientAddresses;
import dev.verimail.web.security.ServiceSecurity;

@RestController
@RequestMapping(path = "/api/registrations", produces = MediaType.APPLICATION_JSON_VALUE)
class RegistrationApi {

    private final Registrations registrations;
    private final ClientAddresses clients;
    private final AddressChanges addressChanges;

    RegistrationApi(Registrations registrations, ClientAddresses clients, AddressChanges addressChanges) {
        this.registrations = registrations;
        this.clients = clients;
        this.addressChanges = addressChanges;
    }

    /** 202: the user is stored and the verification email is on its way, asynchronously. */
    @Operation(summary = "Sign up", description = "Public. Stores the user as PENDING and sends the verification "
            + "email asynchronously. With REGISTRATION_EXISTING_EMAIL=conceal a taken address gets the same 202. "
            + "An address whose registration is UNDELIVERABLE is not taken: the new sign-up replaces it.")
    @ApiResponse(responseCode = "202", description = "Accepted; Location: /api/registrations/{id}",
            headers = @Header(name = "Location", schema = @Schema(type = "string")))
    @ApiResponse(responseCode = "400", description = "invalid-input (with errors), malformed-json", content = @Content(
            mediaType = ApiDocuments.PROBLEM_JSON, schema = @Schema(ref = ApiDocuments.PROBLEM)))
    @ApiResponse(responseCode = "409", description = "email-taken (any letter case)", content = @Content(
            mediaType = ApiDocuments.PROBLEM_JSON, schema = @Schema(ref = ApiDocuments.PROBLEM)))
    @ApiResponse(responseCode = "429", description = "rate-limited, with Retry-After", content = @Content(
            mediaType = ApiDocuments.PROBLEM_JSON, schema = @Schema(ref = ApiDocuments.PROBLEM)))
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<RegistrationView> register(@RequestBody RegistrationRequest request, HttpServletRequest http) {
        // the language of the emails and the confirm page: ?lang=, else Accept-Language (LanguageResolver)
        String locale = Languages.tag(RequestContextUtils.getLocale(http));
        User user = registrations.register(Signup.of(request.name(), request.email()).withLocale(locale),
                clients.of(http));
        return ResponseEntity.accepted()
                .location(URI.create("/api/registrations/" + user.getId()))
                .body(RegistrationView.of(user));
    }

    /**
     * Always 202 (or 429 within the cooldown), whether or not the address is registered and pending: the answer
     * never tells who has an account.
     */
    @Operation(summary = "Resend the verification email", description = "Public. Always 202, whether or not the "
            + "address is registered; a pending or undeliverable user gets a new link (the old one stops working) "
            + "and is PENDING again.")
    @ApiResponse(responseCode = "202", description = "Accepted (says nothing about the address)")
    @ApiResponse(responseCode = "429", description = "within 60 s for the address, or rate-limited; with Retry-After",
            content = @Content(mediaType = ApiDocuments.PROBLEM_JSON, schema = @Schema(ref = ApiDocuments.PROBLEM)))
    @PostMapping(path = "/resend", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Void> resend(@RequestBody ResendRequest request, HttpServletRequest http) {
        registrations.resend(request.email(), clients.of(http));
        return ResponseEntity.accepted().build();
    }

    /**
     * Anyone: only where a sign-up stands, {@code {"id","status"}}, so whoever holds an id learns nothing more; an
     * UNDELIVERABLE status lets a sign-up page tell the person to fix the address. An operator (bearer token) gets
     * the full record with name, email, times, and when and why the address was undeliverable.
     */
    @Operation(summary = "A registration's status; the full record for an operator",
            description = "Public: {\"id\",\"status\"} only; status PENDING, VERIFIED or UNDELIVERABLE (the mail "
                    + "provider cannot reach the address: sign up again with the right one, or ask for a new link). "
                    + "With an operator token (optional here): {\"id\",\"name\",\"email\",\"status\","
                    + "\"registeredAt\",\"verifiedAt\",\"undeliverableAt\",\"undeliverableReason\","
                    + "\"undeliverableCode\"}.")
    @ApiResponse(responseCode = "200", description = "The status, or the full record for an operator",
            content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
                    schema = @Schema(oneOf = { StatusView.class, FullView.class })))
    @ApiResponse(responseCode = "404", description = "not-found", content = @Content(
            mediaType = ApiDocuments.PROBLEM_JSON, schema = @Schema(ref = ApiDocuments.PROBLEM)))
    @GetMapping("/{id}")
    Object get(@PathVariable long id, HttpServletRequest request) {
        if (request.isUserInRole(ServiceSecurity.OPERATOR_ROLE)) {
            AddressChanges.Registration registration = addressChanges.find(id);
            return FullView.of(registration.user(), registration.pending());
        }
        return StatusView.of(registrations.find(id));
    }

    /**
     * Operator only: starts moving a verified user to a new address. The new address gets a link (and code), the old
     * one a notice; the user stays VERIFIED on the old address until the new one is confirmed.
     */
    @Operation(summary = "Change a registration's address (operator)", description = "Operator token required. "
            + "Starts a change: the new address gets a verification link, the current one a notice. The user keeps "
            + "the current address (and stays VERIFIED) until the new one is confirmed; then EmailVerified for the "
            + "new address and EmailChanged go out on verification-events. A new request replaces a pending one "
            + "(its link stops working). The change expires with its link (REGISTRATION_VERIFICATION_TTL).")
    @ApiResponse(responseCode = "202", description = "Started: the full record with pendingEmail and "
            + "pendingEmailExpiresAt", content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
                    schema = @Schema(implementation = FullView.class)))
    @ApiResponse(responseCode = "400", description = "invalid-input (with errors), malformed-json", content = @Content(
            mediaType = ApiDocuments.PROBLEM_JSON, schema = @Schema(ref = ApiDocuments.PROBLEM)))
    @ApiResponse(responseCode = "404", description = "not-found", content = @Content(
            mediaType = ApiDocuments.PROBLEM_JSON, schema = @Schema(ref = ApiDocuments.PROBLEM)))
    @ApiResponse(responseCode = "409", description = "email-taken (another user's address or pending change, any "
            + "letter case), email-unchanged (already this user's address), not-verified (the user has not verified "
            + "their address yet)", content = @Content(mediaType = ApiDocuments.PROBLEM_JSON,
                    schema = @Schema(ref = ApiDocuments.PROBLEM)))
    @PostMapping(path = "/{id}/email", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<FullView> changeEmail(@PathVariable long id, @RequestBody EmailChangeRequest request) {
        AddressChanges.Registration registration = addressChanges.start(id, request.email());
        return ResponseEntity.accepted().body(FullView.of(registration.user(), registration.pending()));
    }

    /** Operator only: cancels the pending change; its link then answers "not valid". */
    @Operation(summary = "Cancel a pending address change (operator)", description = "Operator token required. "
            + "The user keeps their address; the change's link stops working.")
    @ApiResponse(responseCode = "204", description = "Cancelled")
    @ApiResponse(responseCode = "404", description = "not-found (unknown registration), no-pending-change",
            content = @Content(mediaType = ApiDocuments.PROBLEM_JSON, schema = @Schema(ref = ApiDocuments.PROBLEM)))
    @DeleteMapping("/{id}/email")
    ResponseEntity<Void> cancelEmailChange(@PathVariable long id) {
        addressChanges.cancel(id);
        return ResponseEntity.noContent().build();
    }

    record EmailChangeRequest(@Schema(requiredMode = Schema.RequiredMode.REQUIRED, maxLength = 254) String email) {
    }

    record RegistrationRequest(@Schema(requiredMode = Schema.RequiredMode.REQUIRED, maxLength = 100) String name,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, maxLength = 254) String email) {
    }

    record ResendRequest(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) String email) {
    }

    /** The sign-up's answer, {@code {"id","name","email","status","registeredAt"}}. */
    record RegistrationView(long id, String name, String email, @Schema(allowableValues = "PENDING") String status,
            Instant registeredAt) {

        static RegistrationView of(User user) {
            return new RegistrationView(user.getId(), user.getName(), user.getEmail(), user.getStatus().name(),
                    user.getRegisteredAt());
        }
    }

    /**
     * The operator's view, {@code {"id","name","email","status","registeredAt","verifiedAt","undeliverableAt",
     * "undeliverableReason","undeliverableCode","pendingEmail","pendingEmailExpiresAt"}}; the undeliverable three are
     * set only while the status is UNDELIVERABLE, the pending two while an address change waits for its
     * confirmation.
     */
    record FullView(long id, String name, String email,
            @Schema(allowableValues = { "PENDING", "VERIFIED", "UNDELIVERABLE" }) String status, Instant registeredAt,
            Instant verifiedAt,
            @Schema(description = "when the mail provider reported the address unreachable") Instant undeliverableAt,
            @Schema(allowableValues = { "INVALID", "BOUNCED" }, description = "INVALID: the provider gave up on "
                    + "the address; BOUNCED: temporary refusals repeated") String undeliverableReason,
            @Schema(description = "the provider's sub-status code, when it gave one (e.g. SendCloud's 406)")
            Integer undeliverableCode,
            @Schema(description = "the new address of a pending change (POST /api/registrations/{id}/email), not "
                    + "yet confirmed; email stays the current one until it is") String pendingEmail,
            @Schema(description = "when the pending change's link expires") Instant pendingEmailExpiresAt) {

        static FullView of(User user, EmailChange pending) {
            return new FullView(user.getId(), user.getName(), user.getEmail(), user.getStatus().name(),
                    user.getRegisteredAt(), user.getVerifiedAt(), user.getUndeliverableAt(),
                    user.getUndeliverableReason() == null ? null : user.getUndeliverableReason().name(),
                    user.getUndeliverableCode(), pending == null ? null : pending.email(),
                    pending == null ? null : pending.expiresAt());
        }
    }

    /** What anyone may read about a registration: {@code {"id","status"}}. */
    record StatusView(long id,
            @Schema(allowableValues = { "PENDING", "VERIFIED", "UNDELIVERABLE" }) String status) {

        static StatusView of(User user) {
            return new StatusView(user.getId(), user.getStatus().name());
        }
    }
}
