package dev.verimail.mailer.delivery;

import java.time.Clock;
import java.util.Map;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.verimail.web.ApiDocuments;

/**
 * {@code POST /admin/deliveries/redrive[?code=40005]}: once the cause of permanent failures is fixed (a wrong API
 * key, a broken template), sends the deliveries that failed because of it. Operators only: expose {@code /admin}
 * on the internal network, never to the public.
 */
@RestController
class DeliveryAdminApi {

    private static final Logger log = LoggerFactory.getLogger(DeliveryAdminApi.class);

    private final DeliveryRepository deliveries;
    private final MailerMetrics metrics;
    private final Clock clock;

    DeliveryAdminApi(DeliveryRepository deliveries, MailerMetrics metrics, Clock clock) {
        this.deliveries = deliveries;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * Deliveries FAILED for a permanent SendCloud error (optionally only {@code code}) whose link still works and
     * was not superseded become RETRYING, due now; the re-drive sends them within {@code mailer.redrive.interval}
     * (claiming them as any due row, one instance each).
     */
    @Operation(summary = "Re-drive permanently failed deliveries", description = "Operators only. Deliveries FAILED "
            + "for a permanent SendCloud error (only those with code, if given) whose link still works are sent "
            + "again: {\"redriven\":n[,\"code\":c]}.", security = @SecurityRequirement(name = ApiDocuments.OPERATOR))
    @ApiResponse(responseCode = "200", description = "OK")
    @ApiResponse(responseCode = "401", description = "unauthorized: no or a wrong operator token", content = @Content(
            mediaType = ApiDocuments.PROBLEM_JSON, schema = @Schema(ref = ApiDocuments.PROBLEM)))
    @PostMapping(path = "/admin/deliveries/redrive", produces = MediaType.APPLICATION_JSON_VALUE)
    Map<String, Object> redrive(@RequestParam(required = false) Integer code) {
        int count = deliveries.redriveFailed(code, clock.instant());
        metrics.redriven(count);
        log.info("Admin re-drive: {} failed deliveries{} are due again", count, code == null ? "" : " with code " + code);
        return code == null ? Map.of("redriven", count) : Map.of("redriven", count, "code", code);
    }
}
