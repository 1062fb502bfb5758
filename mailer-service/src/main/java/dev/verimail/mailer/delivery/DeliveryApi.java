package dev.verimail.mailer.delivery;

import java.util.List;
import java.util.Locale;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.verimail.web.ApiDocuments;

/** {@code GET /api/deliveries?email=}: what happened to the emails for an address, newest first (at most 100). */
@RestController
class DeliveryApi {

    private final DeliveryRepository deliveries;

    DeliveryApi(DeliveryRepository deliveries) {
        this.deliveries = deliveries;
    }

    @Operation(summary = "Delivery records of an address", description = "Operators only. Newest first, at most "
            + "100: status (PENDING, SENT, RETRYING, FAILED), attempts, last error, SendCloud message id, timestamps.",
            security = @SecurityRequirement(name = ApiDocuments.OPERATOR))
    @ApiResponse(responseCode = "200", description = "OK")
    @ApiResponse(responseCode = "401", description = "unauthorized: no or a wrong operator token", content = @Content(
            mediaType = ApiDocuments.PROBLEM_JSON, schema = @Schema(ref = ApiDocuments.PROBLEM)))
    @GetMapping(path = "/api/deliveries", produces = MediaType.APPLICATION_JSON_VALUE)
    List<DeliveryView> byEmail(@RequestParam String email) {
        return deliveries.findTop100ByEmailKeyOrderByCreatedAtDescOccurredAtDescIdDesc(
                email.trim().toLowerCase(Locale.ROOT)).stream().map(Delivery::view).toList();
    }
}
