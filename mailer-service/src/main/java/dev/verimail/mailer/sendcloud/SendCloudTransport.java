package dev.verimail.mailer.sendcloud;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.stream.Collectors;

import org.springframework.context.annotation.Conditional;
import org.springframework.stereotype.Component;

import dev.verimail.mailer.config.ChangeNoticeProperties;
import dev.verimail.mailer.config.SendCloudProperties;
import dev.verimail.mailer.config.Transport;
import dev.verimail.mailer.delivery.Mail;
import dev.verimail.mailer.delivery.MailTransport;
import dev.verimail.mailer.delivery.SendResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * SendCloud's v2 template send. One JDK {@link HttpClient} keeps connections alive across calls. Success is
 * {@code result=true} in the reply, whatever the HTTP status. Name and link travel as {@code xsmtpapi}
 * substitution data, JSON-encoded, never spliced into markup. A verification email uses {@code sendcloud.template}
 * with {@code %name%}, {@code %url%} and {@code %code%} (the 6-digit code, empty if the event had none); a
 * sign-up-attempt notice {@code sendcloud.notice-template} with {@code %name%} only; an email in Simplified Chinese
 * uses {@code sendcloud.template-zh-cn} and {@code sendcloud.notice-template-zh-cn} where set. At most
 * {@value #MAX_REPLY_BYTES} bytes of a reply are read: a longer one is a transient
 * failure, never an unbounded read.
 */
@Component
@Conditional(Transport.IsSendCloud.class)
class SendCloudTransport implements MailTransport {

    /** SendCloud's replies are a few hundred bytes; anything past this is not SendCloud talking. */
    static final int MAX_REPLY_BYTES = 64 * 1024;

    /** Codes that no retry can fix: credentials, sender, recipient, xsmtpapi, template. */
    static final Set<Integer> PERMANENT = Set.of(40005, 40801, 40802, 40806, 40812, 40813, 40814, 40815, 40816,
            40817, 40823, 40824, 40825, 40826);

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int MAX_MESSAGE = 300;

    private final SendCloudProperties properties;
    private final ChangeNoticeProperties changeNotice;
    private final URI endpoint;
    private final HttpClient client;

    SendCloudTransport(SendCloudProperties properties) {
        this(properties, new ChangeNoticeProperties(null));
    }

    @org.springframework.beans.factory.annotation.Autowired
    SendCloudTransport(SendCloudProperties properties, ChangeNoticeProperties changeNotice) {
        this.properties = properties;
        this.changeNotice = changeNotice;
        this.endpoint = properties.sendTemplateUrl();
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(properties.connectTimeout()).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public String name() {
        return "sendcloud";
    }

    @Override
    public String describe() {
        return "SendCloud (region " + properties.region() + ") at " + endpoint + " as API user " + properties.apiUser() + ", template "
                + properties.template() + " (zh-CN: " + properties.template(true) + "), notice template "
                + (properties.sendsNotices() ? properties.noticeTemplate() : "(unset: notices are skipped)")
                + ", change notice template "
                + (changeNotice.sendCloudReady() ? changeNotice.template() : "(unset: change notices are skipped)")
                + ", from " + properties.from();
    }

    @Override
    public boolean sendsNotices() {
        return properties.sendsNotices();
    }

    @Override
    public String whyNoNotices() {
        return properties.sendsNotices() ? null : "SENDCLOUD_NOTICE_TEMPLATE is not set";
    }

    @Override
    public boolean sends(Mail.Kind kind) {
        return kind == Mail.Kind.EMAIL_CHANGE_NOTICE ? changeNotice.sendCloudReady()
                : kind == Mail.Kind.VERIFICATION || sendsNotices();
    }

    @Override
    public String whyNot(Mail.Kind kind) {
        if (sends(kind)) {
            return null;
        }
        return kind == Mail.Kind.EMAIL_CHANGE_NOTICE ? "SENDCLOUD_CHANGE_NOTICE_TEMPLATE is not set" : whyNoNotices();
    }

    @Override
    public SendResult send(Mail mail) {
        HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(properties.timeout())
                .header("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form(mail), StandardCharsets.UTF_8)).build();
        try {
            HttpResponse<String> response = client.send(request, info -> new BoundedBody(MAX_REPLY_BYTES));
            return interpret(response.statusCode(), response.body(), mail);
        }
        catch (HttpTimeoutException e) {
            return SendResult.transientFailure(null, "No reply from SendCloud within " + properties.timeout());
        }
        catch (IOException e) {
            if (tooLarge(e)) {
                return SendResult.transientFailure(null, "SendCloud reply larger than " + MAX_REPLY_BYTES + " bytes");
            }
            return SendResult.transientFailure(null, "Cannot reach SendCloud: " + e.getClass().getSimpleName());
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return SendResult.transientFailure(null, "Interrupted");
        }
    }

    String form(Mail mail) {
        boolean notice = mail.kind() != Mail.Kind.VERIFICATION;
        Map<String, Object> sub = switch (mail.kind()) {
            case SIGNUP_ATTEMPTED -> Map.of("%name%", List.of(mail.name()));
            case EMAIL_CHANGE_NOTICE -> Map.of("%name%", List.of(mail.name()), "%email%", List.of(mail.changedTo()));
            case VERIFICATION -> Map.of("%name%", List.of(mail.name()), "%url%", List.of(mail.link()),
                    // the code beside the link; empty when the event brought none, so the template shows nothing
                    "%code%", List.of(mail.code() == null ? "" : mail.code()));
        };
        Map<String, Object> xsmtpapi = Map.of("to", List.of(mail.to()), "sub", sub);
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("apiUser", properties.apiUser());
        fields.put("apiKey", properties.apiKey());
        fields.put("from", properties.from());
        if (properties.fromName() != null && !properties.fromName().isBlank()) {
            fields.put("fromName", properties.fromName());
        }
        // a zh-CN email uses SENDCLOUD_TEMPLATE_ZH_CN / _NOTICE_TEMPLATE_ZH_CN, each falling back to the default
        boolean chinese = mail.chinese();
        fields.put("templateInvokeName", switch (mail.kind()) {
            case SIGNUP_ATTEMPTED -> properties.noticeTemplate(chinese);
            case EMAIL_CHANGE_NOTICE -> changeNotice.template();
            case VERIFICATION -> properties.template(chinese);
        });
        // SENDCLOUD_SUBJECT(_ZH_CN) is the verification email's; the notices keep their template's own subject
        String subject = notice ? null : properties.subject(chinese);
        if (subject != null) {
            fields.put("subject", subject);
        }
        fields.put("respEmailId", "true");
        fields.put("xsmtpapi", JSON.writeValueAsString(xsmtpapi));
        return fields.entrySet().stream()
                .map(f -> enc(f.getKey()) + "=" + enc(f.getValue()))
                .collect(Collectors.joining("&"));
    }

    SendResult interpret(int status, String body, Mail mail) {
        JsonNode reply = parse(body);
        if (reply != null && reply.path("result").asBoolean(false)) {
            JsonNode ids = reply.path("info").path("emailIdList");
            String messageId = ids.isArray() && !ids.isEmpty() ? ids.get(0).asString() : null;
            return SendResult.sent(messageId);
        }
        Integer code = reply == null ? null : code(reply.path("statusCode"));
        String message = reply == null ? null : reply.path("message").asString("");
        String error = describe(status, code, message, mail);
        if (code != null && PERMANENT.contains(code)) {
            return SendResult.permanentFailure(code, error);
        }
        return SendResult.transientFailure(code, error);
    }

    private String describe(int status, Integer code, String message, Mail mail) {
        StringBuilder error = new StringBuilder("SendCloud");
        if (code != null) {
            error.append(' ').append(code);
        }
        error.append(" (HTTP ").append(status).append(')');
        if (message != null && !message.isBlank()) {
            error.append(": ").append(redact(message, mail));
        }
        else if (code == null) {
            error.append(": no readable reply");
        }
        return error.toString();
    }

    /** SendCloud's message is shown to operators: make sure it cannot carry our secrets along. */
    private String redact(String message, Mail mail) {
        String safe = message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) : message;
        safe = safe.replace(properties.apiKey(), "******");
        if (mail.link() != null) {
            safe = safe.replace(mail.link(), "(link)");
        }
        if (mail.code() != null) {
            // the code beside the link is a secret too, should SendCloud echo the substitution data
            safe = safe.replace(mail.code(), "******");
        }
        return safe.replaceAll("authcode=[^&\\s\"']*", "authcode=******");
    }

    private static Integer code(JsonNode node) {
        if (node.isIntegralNumber()) {
            return node.asInt();
        }
        if (node.isString()) {
            try {
                return Integer.valueOf(node.asString().trim());
            }
            catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(body);
            return node != null && node.isObject() ? node : null;
        }
        catch (RuntimeException e) {
            return null;
        }
    }

    private static boolean tooLarge(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ReplyTooLarge) {
                return true;
            }
        }
        return false;
    }

    /** Thrown (inside the client) when a reply goes past the cap; carries nothing of the reply. */
    static final class ReplyTooLarge extends IOException {

        ReplyTooLarge(int max) {
            super("SendCloud reply larger than " + max + " bytes", null);
        }
    }

    /**
     * Collects a reply body of at most {@code max} bytes, decoded as UTF-8. One byte more cancels the exchange (the
     * connection is closed, not drained) and fails it with {@link ReplyTooLarge}.
     */
    static final class BoundedBody implements HttpResponse.BodySubscriber<String> {

        private final int max;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CompletableFuture<String> body = new CompletableFuture<>();
        private Flow.Subscription subscription;

        BoundedBody(int max) {
            this.max = max;
        }

        @Override
        public CompletionStage<String> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            if (body.isDone()) {
                return;
            }
            for (ByteBuffer buffer : buffers) {
                if (bytes.size() + (long) buffer.remaining() > max) {
                    subscription.cancel();
                    body.completeExceptionally(new ReplyTooLarge(max));
                    return;
                }
                byte[] chunk = new byte[buffer.remaining()];
                buffer.get(chunk);
                bytes.writeBytes(chunk);
            }
        }

        @Override
        public void onError(Throwable failure) {
            body.completeExceptionally(failure);
        }

        @Override
        public void onComplete() {
            body.complete(bytes.toString(StandardCharsets.UTF_8));
        }
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
