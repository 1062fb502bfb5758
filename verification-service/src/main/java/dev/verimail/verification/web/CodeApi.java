package dev.verimail.verification.web;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;

import dev.verimail.verification.challenge.CodeRefusedException;
import dev.verimail.verification.challenge.Outcome;
import dev.verimail.verification.challenge.Verifications;
import dev.verimail.verification.web.VerificationApi.VerificationView;
import dev.verimail.web.ApiDocuments;
import dev.verimail.web.Problems;
import dev.verimail.web.security.ClientAddresses;

/**
 * The code of the email as an API call: the answers of {@code POST /api/verifications}, plus 429 {@code code-locked}
 * after five wrong codes and 429 {@code rate-limited} (with {@code Retry-After}) for a client over its limit. An
 * unknown address answers as a known one with a wrong code.
 */
@RestController
@RequestMapping(path = "/api/verifications/code", produces = MediaType.APPLICATION_JSON_VALUE)
class CodeApi {

    private final Verifications verifications;
    private final ClientAddresses clients;

    CodeApi(Verifications verifications, ClientAddresses clients) {
        this.verifications = verifications;
        this.clients = clients;
    }

    @Operation(summary = "Verify an email with the address and the 6-digit code of the email", description = "Public. "
            + "The same 200 again for the right code of a used challenge (idempotent). Five wrong codes lock the "
            + "challenge until a new email; an unknown address answers exactly as a wrong code.")
    @ApiResponse(responseCode = "200", description = "Verified (now or before)")
    @ApiResponse(responseCode = "400", description = "invalid-input (with errors), malformed-json",
            content = @Content(mediaType = ApiDocuments.PROBLEM_JSON, schema = @Schema(ref = ApiDocuments.PROBLEM)))
    @ApiResponse(responseCode = "404", description = "code-not-valid: a wrong code, or an address with no code",
            content = @Content(mediaType = ApiDocuments.PROBLEM_JSON, schema = @Schema(ref = ApiDocuments.PROBLEM)))
    @ApiResponse(responseCode = "410", description = "link-expired: the code's link expired", content = @Content(
            mediaType = ApiDocuments.PROBLEM_JSON, schema = @Schema(ref = ApiDocuments.PROBLEM)))
    @ApiResponse(responseCode = "429", description = "code-locked (five wrong codes: ask for a new email), or "
            + "rate-limited with Retry-After (too many wrong codes from this client)",
            content = @Content(mediaType = ApiDocuments.PROBLEM_JSON, schema = @Schema(ref = ApiDocuments.PROBLEM)))
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    VerificationView verify(@RequestBody CodeRequest request, HttpServletRequest http) {
        Map<String, String> errors = new LinkedHashMap<>();
        if (!CodeForm.isAddress(request.email())) {
            errors.put("email", "email is required (at most 254 characters)");
        }
        String code = CodeForm.normalize(request.code());
        if (code == null) {
            errors.put("code", "code must be the 6 digits of the email");
        }
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        Outcome outcome = verifications.verifyCode(request.email(), code, clients.of(http));
        return switch (outcome.status()) {
            case VERIFIED, ALREADY_VERIFIED -> new VerificationView(outcome.userId(), outcome.email(), outcome.verifiedAt());
            case EXPIRED -> throw LinkProblem.expired();
            case PENDING, NOT_READY, NOT_VALID -> throw new CodeNotValid();
        };
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> notValid(CodeNotValid e) {
        return ResponseEntity.status(HttpStatus.NOT_FOUND).body(Problems.of(HttpStatus.NOT_FOUND, "code-not-valid",
                "Code not valid", "This code is not valid for this address. Check both and try again."));
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> refused(CodeRefusedException e) {
        if (e.reason() == CodeRefusedException.Reason.LOCKED) {
            return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS).body(Problems.of(HttpStatus.TOO_MANY_REQUESTS,
                    "code-locked", "Code locked", "Too many wrong codes for this address. Ask for a new email "
                            + "(POST /api/registrations/resend on registration-service) and use its code."));
        }
        long seconds = Math.max(1, (e.retryAfter().toMillis() + 999) / 1000);
        return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS).header("Retry-After", Long.toString(seconds))
                .body(Problems.of(HttpStatus.TOO_MANY_REQUESTS, "rate-limited", "Rate limited",
                        "Too many wrong codes from your network. Try again later."));
    }

    /** A wrong code or an address without one: one answer for both. */
    static final class CodeNotValid extends RuntimeException {
        CodeNotValid() {
            super("code not valid", null, false, false);
        }
    }

    record CodeRequest(@Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "ada@example.com") String email,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "042917") String code) {
    }
}
