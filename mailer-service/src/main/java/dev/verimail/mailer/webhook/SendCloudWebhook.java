package dev.verimail.mailer.webhook;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.TransactionException;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.verimail.mailer.config.MailerProperties;
import dev.verimail.mailer.config.SendCloudProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirements;

/**
 * {@code POST /webhooks/sendcloud}: SendCloud's delivery events, the mailer's one public endpoint. SendCloud posts
 * each event form-encoded ({@code event}, {@code emailId}, {@code recipient}, {@code timestamp}, {@code token},
 * {@code signature}, {@code message}, and for failures the sub-status {@code subStat}; SendCloud, "Webhook Event
 * Description"), expects HTTP 200 within 3 seconds and otherwise retries after 1, 2, 4, 8 and 16 minutes ("Learn
 * about WebHook", Retrial mechanism). A JSON body with the same fields is read too.
 * <ul>
 * <li>no {@code SENDCLOUD_WEBHOOK_KEY}: 404, nothing is read (fails closed);</li>
 * <li>a missing or wrong signature ({@link WebhookSignature}), or a malformed token: 401;</li>
 * <li>a signed timestamp further than {@code mailer.webhook.max-age} from now: 403;</li>
 * <li>a token applied before (a replay): 200, nothing changes;</li>
 * <li>an event type this version does not know, or an email id of no delivery: 200, ignored; but an email id
 * not known yet on an event of the last two minutes gets 503, as SendCloud may report before the send's outcome is
 * recorded, and its retry then finds it;</li>
 * <li>the database unreachable: 503, so SendCloud sends it again.</li>
 * </ul>
 * Never logs the token, the signature or the key.
 */
@RestController
class SendCloudWebhook {

    private static final Logger log = LoggerFactory.getLogger(SendCloudWebhook.class);
    static final String PATH = "/webhooks/sendcloud";
    /** SendCloud's token is "a random string of 50 characters"; a little room, and nothing but token characters. */
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{8,64}");
    private static final Pattern TIMESTAMP = Pattern.compile("[0-9]{1,16}");
    /** Timestamps above this are milliseconds (SendCloud's), below seconds: 10^11 s is the year 5138. */
    private static final long MILLIS_FROM = 100_000_000_000L;
    private static final int MAX_FIELD = 500;

    private final SendCloudProperties sendCloud;
    private final MailerProperties.Webhook settings;
    private final ProviderReports reports;
    private final Clock clock;
    private final MeterRegistry meters;

    SendCloudWebhook(SendCloudProperties sendCloud, MailerProperties properties, ProviderReports reports, Clock clock,
            MeterRegistry meters) {
        this.sendCloud = sendCloud;
        this.settings = properties.webhook();
        this.reports = reports;
        this.clock = clock;
        this.meters = meters;
        if (sendCloud.webhooksOn()) {
            log.info("SendCloud webhooks accepted at POST {} (signed with SENDCLOUD_WEBHOOK_KEY, at most {} old)",
                    PATH, settings.maxAge());
        }
        else {
            log.info("SendCloud webhooks are off: SENDCLOUD_WEBHOOK_KEY is not set, POST {} answers 404", PATH);
        }
    }

    @Operation(summary = "SendCloud's delivery events (deliver, invalid, soft_bounce, report_spam, ...), signed",
            description = "Form-encoded as SendCloud posts them. Signature: HMAC-SHA256 of timestamp + token with "
                    + "SENDCLOUD_WEBHOOK_KEY, hex.")
    @SecurityRequirements
    @ApiResponse(responseCode = "200", description = "applied, or ignored (unknown type or email id, a replay)")
    @ApiResponse(responseCode = "401", description = "missing or wrong signature")
    @ApiResponse(responseCode = "403", description = "timestamp too old or too far ahead")
    @ApiResponse(responseCode = "404", description = "webhooks are off (no SENDCLOUD_WEBHOOK_KEY)")
    @ApiResponse(responseCode = "503", description = "database unreachable, or the email not recorded yet: SendCloud "
            + "sends it again")
    @PostMapping(path = PATH, consumes = { MediaType.APPLICATION_FORM_URLENCODED_VALUE,
            MediaType.MULTIPART_FORM_DATA_VALUE })
    @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(
            mediaType = MediaType.APPLICATION_FORM_URLENCODED_VALUE, schema = @Schema(implementation = Form.class)))
    ResponseEntity<?> form(@Parameter(hidden = true) @RequestParam MultiValueMap<String, String> fields) {
        return receive(fields::getFirst);
    }

    @io.swagger.v3.oas.annotations.Hidden
    @PostMapping(path = PATH, consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<?> json(@RequestBody Map<String, Object> fields) {
        return receive(name -> {
            Object value = fields.get(name);
            return value == null ? null : value.toString();
        });
    }

    /** The fields read, for the API document (SendCloud sends more; they are ignored). */
    record Form(
            @Schema(description = "deliver, invalid, soft_bounce, report_spam, unsubscribe, open, click, request; "
                    + "others are ignored") String event,
            @Schema(description = "SendCloud's email id, as its send reply gave it") String emailId,
            String recipient,
            @Schema(description = "milliseconds (or seconds) since the epoch") String timestamp,
            @Schema(description = "random, 50 characters; a token is applied once") String token,
            @Schema(description = "hex HMAC-SHA256 of timestamp + token with SENDCLOUD_WEBHOOK_KEY") String signature,
            @Schema(description = "sub-status of invalid and soft_bounce, e.g. 406") String subStat,
            String message) {
    }

    private interface Fields {
        String get(String name);
    }

    private ResponseEntity<?> receive(Fields fields) {
        if (!sendCloud.webhooksOn()) {
            return problem(HttpStatus.NOT_FOUND, "webhooks-off", "SendCloud webhooks are not enabled here");
        }
        String timestamp = fields.get("timestamp");
        String token = fields.get("token");
        String signature = fields.get("signature");
        if (timestamp == null || token == null || !TOKEN.matcher(token).matches()
                || !TIMESTAMP.matcher(timestamp).matches()
                || !WebhookSignature.valid(sendCloud.webhookKey(), timestamp, token, signature)) {
            count("none", "rejected");
            log.warn("Refused a SendCloud webhook: missing or wrong signature (check SENDCLOUD_WEBHOOK_KEY against the "
                    + "APP KEY of SendCloud's WebHook settings)");
            return problem(HttpStatus.UNAUTHORIZED, "bad-signature", "The webhook's signature is missing or wrong");
        }
        Instant at = instant(Long.parseLong(timestamp));
        Duration age = Duration.between(at, clock.instant()).abs();
        if (age.compareTo(settings.maxAge()) > 0) {
            count("none", "stale");
            log.warn("Refused a signed SendCloud webhook from {}: more than {} away from now (a replay, or a clock "
                    + "off)", at, settings.maxAge());
            return problem(HttpStatus.FORBIDDEN, "stale-webhook", "The webhook's timestamp is too far from now");
        }
        String name = cut(fields.get("event"), 32);
        ProviderEvent event = ProviderEvent.of(name);
        String emailId = cut(fields.get("emailId"), 255);
        if (event == null || emailId == null || emailId.isBlank()) {
            count(event == null ? "unknown" : event.wire(), "ignored");
            log.debug("Ignored a SendCloud webhook: event {} is not one this version reads, or has no emailId", name);
            return ok("ignored");
        }
        ProviderReports.Report report = new ProviderReports.Report(event, name, emailId, token, at,
                code(fields.get("subStat")), cut(fields.get("message"), MAX_FIELD));
        ProviderReports.Outcome outcome;
        try {
            outcome = reports.apply(report);
        }
        catch (DataAccessException | TransactionException databaseDown) {
            count(event.wire(), "unavailable");
            log.warn("Could not record SendCloud's {} webhook (answered 503, SendCloud sends it again): {}",
                    event.wire(), databaseDown.getMessage());
            ProblemDetail problem = detail(HttpStatus.SERVICE_UNAVAILABLE, "unavailable",
                    "The mailer cannot record the event now");
            return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header("Retry-After", "60").body(problem);
        }
        String result = outcome.name().toLowerCase(java.util.Locale.ROOT);
        count(event.wire(), result);
        if (outcome == ProviderReports.Outcome.NOT_YET) {
            log.debug("SendCloud's {} webhook names an email id not recorded yet; answered 503 for a retry",
                    event.wire());
            return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header("Retry-After", "60")
                    .body(detail(HttpStatus.SERVICE_UNAVAILABLE, "not-yet", "The email is not recorded yet"));
        }
        if (outcome == ProviderReports.Outcome.UNMATCHED) {
            log.debug("SendCloud's {} webhook names an email id of no delivery here; ignored", event.wire());
        }
        return ok(result);
    }

    private static Instant instant(long value) {
        return value >= MILLIS_FROM ? Instant.ofEpochMilli(value) : Instant.ofEpochSecond(value);
    }

    private static Integer code(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Integer.valueOf(value.trim());
        }
        catch (NumberFormatException e) {
            return null;
        }
    }

    private static String cut(String value, int max) {
        if (value == null) {
            return null;
        }
        String clean = value.replaceAll("\\p{Cntrl}", " ");
        return clean.length() <= max ? clean : clean.substring(0, max);
    }

    private void count(String event, String outcome) {
        Counter.builder("mailer.webhook.events").description("SendCloud webhooks received, by event and outcome")
                .tag("event", event).tag("outcome", outcome).register(meters).increment();
    }

    private static ResponseEntity<Map<String, String>> ok(String result) {
        return ResponseEntity.ok(Map.of("result", result));
    }

    private static ResponseEntity<ProblemDetail> problem(HttpStatus status, String code, String detail) {
        return ResponseEntity.status(status).body(detail(status, code, detail));
    }

    private static ProblemDetail detail(HttpStatus status, String code, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create("https://verimail.dev/problems/" + code));
        problem.setProperty("code", code);
        return problem;
    }
}
