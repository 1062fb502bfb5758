package dev.verimail.verification.web;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;

import dev.verimail.web.ApiDocuments;
import dev.verimail.verification.challenge.Outcome;
import dev.verimail.verification.challenge.Verifications;

/**
 * The link as an API call, for apps that open links themselves. 200 for a valid link, also when it was used before
 * (same {@code verifiedAt}), so clients may retry freely; 410 expired; 503 with {@code Retry-After} and code
 * {@code link-not-ready} for a genuine link whose challenge is not stored yet; 404 anything else.
 */
@RestController
@RequestMapping(path = "/api/verifications", produces = MediaType.APPLICATION_JSON_VALUE)
class VerificationApi {

    private final Verifications verifications;

    VerificationApi(Verifications verifications) {
        this.verifications = verifications;
    }

    @Operation(summary = "Verify an email with the link's token and authcode", description = "Public. The same "
            + "200 again for a repeated valid request (idempotent), so clients may retry freely.")
    @ApiResponse(responseCode = "200", description = "Verified (now or before)")
    @ApiResponse(responseCode = "400", description = "invalid-input (with errors), malformed-json",
            content = @Content(mediaType = ApiDocuments.PROBLEM_JSON, schema = @Schema(ref = ApiDocuments.PROBLEM)))
    @ApiResponse(responseCode = "404", description = "unknown token or wrong authcode", content = @Content(
            mediaType = ApiDocuments.PROBLEM_JSON, schema = @Schema(ref = ApiDocuments.PROBLEM)))
    @ApiResponse(responseCode = "410", description = "the link expired", content = @Content(
            mediaType = ApiDocuments.PROBLEM_JSON, schema = @Schema(ref = ApiDocuments.PROBLEM)))
    @ApiResponse(responseCode = "503", description = "link-not-ready, with Retry-After: a genuine link whose "
            + "challenge is not stored yet",
            content = @Content(mediaType = ApiDocuments.PROBLEM_JSON, schema = @Schema(ref = ApiDocuments.PROBLEM)))
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    VerificationView verify(@RequestBody VerificationRequest request) {
        Map<String, String> errors = new LinkedHashMap<>();
        if (request.token() == null || request.token().isBlank()) {
            errors.put("token", "token is required");
        }
        if (request.authcode() == null || request.authcode().isBlank()) {
            errors.put("authcode", "authcode is required");
        }
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        Outcome outcome = verifications.verify(request.token(), request.authcode());
        return switch (outcome.status()) {
            case VERIFIED, ALREADY_VERIFIED -> new VerificationView(outcome.userId(), outcome.email(), outcome.verifiedAt());
            case EXPIRED -> throw LinkProblem.expired();
            case NOT_READY -> throw LinkProblem.notReady();
            case PENDING, NOT_VALID -> throw LinkProblem.notValid();
        };
    }

    record VerificationRequest(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) String token,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String authcode) {
    }

    record VerificationView(long userId, String email, Instant verifiedAt) {
    }
}
