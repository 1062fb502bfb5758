package dev.verimail.mailer.delivery;

import java.util.List;
import java.util.Locale;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/deliveries?email=}: what happened to the emails for an address, newest first (at most 100). */
@RestController
class DeliveryApi {

    private final DeliveryRepository deliveries;

    DeliveryApi(DeliveryRepository deliveries) {
        this.deliveries = deliveries;
    }

    @GetMapping(path = "/api/deliveries", produces = MediaType.APPLICATION_JSON_VALUE)
    List<DeliveryView> byEmail(@RequestParam String email) {
        return deliveries.findTop100ByEmailKeyOrderByCreatedAtDescOccurredAtDescIdDesc(
                email.trim().toLowerCase(Locale.ROOT)).stream().map(Delivery::view).toList();
    }
}
