package dev.verimail.mailer.messaging;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import dev.verimail.events.registration.EmailChangeCancelled;
import dev.verimail.events.registration.EmailChangeRequested;
import dev.verimail.events.registration.RegistrationEvent;
import dev.verimail.events.registration.RegistrationExpired;
import dev.verimail.events.registration.RegistrationTopicEvent;
import dev.verimail.events.registration.SignupAttempted;
import dev.verimail.events.registration.UserRegistered;
import dev.verimail.events.registration.VerificationReissued;
import dev.verimail.events.secret.SecretBox;
import dev.verimail.events.secret.UnsealException;
import dev.verimail.mailer.delivery.Mailer;
import dev.verimail.messaging.ConsumerPolicy;
import dev.verimail.messaging.EventRecords;
import dev.verimail.messaging.TrustProperties;
import dev.verimail.messaging.TrustedProducer;
import dev.verimail.messaging.UnreadableEventException;
import dev.verimail.outbox.Traces;

/**
 * Reads {@code registration-events} a poll at a time: the challenges are recorded in one transaction and handed to
 * the senders, then the sign-up-attempt notices ({@link SignupAttempted}) and the address change notices to the
 * current address ({@link EmailChangeRequested}, whose verification email is a challenge like the others), then
 * cancelled changes' unsent emails are made moot ({@link EmailChangeCancelled}), then the deliveries of registrations that
 * expired ({@link RegistrationExpired}) are deleted;
 * unreadable records are dead-lettered and events of unknown types skipped (see {@link ConsumerPolicy}).
 * The offsets are committed only after that, so a crash means redelivery, which the {@code eventId} dedup absorbs.
 * Each record is read in a consumer span that continues the producer's trace ({@link Traces#receive}); each delivery
 * keeps that span's {@code traceparent}, so that its send, later and on another thread, continues the same trace.
 */
@Component
class RegistrationEventsListener {

    private static final int MAX_EMAIL = 254;
    private static final int MAX_NAME = 400;
    private static final int MAX_SECRET = 255;

    private final Mailer mailer;
    private final ConsumerPolicy policy;
    private final TrustedProducer producer;
    private final SecretBox box;
    private final Traces traces;

    RegistrationEventsListener(Mailer mailer, ConsumerPolicy policy, TrustProperties trust, SecretBox box,
            Traces traces) {
        this.mailer = mailer;
        this.traces = traces;
        this.policy = policy;
        this.producer = new TrustedProducer(trust.registrationSource(), RegistrationTopicEvent.CLOUD_EVENT_TYPES);
        this.box = box;
    }

    @KafkaListener(id = "mailer-registration-events", topics = "${mailer.topics.registration-events:registration-events}",
            batch = "true")
    void on(List<ConsumerRecord<String, String>> records, Consumer<?, ?> consumer) {
        Map<UUID, String> traceparents = new HashMap<>();
        policy.consume(records, consumer, record -> traces.receiving(record, this::read,
                (event, traceparent) -> traceparents.put(event.eventId(), traceparent)),
                events -> apply(events, traceparents));
    }


    /** Challenges first: a redelivered challenge of a user whose registration expired in the same poll goes too. */
    private void apply(List<RegistrationTopicEvent> events, Map<UUID, String> traceparents) {
        List<RegistrationEvent> challenges = new ArrayList<>();
        List<SignupAttempted> attempts = new ArrayList<>();
        List<RegistrationExpired> expired = new ArrayList<>();
        List<EmailChangeRequested> changes = new ArrayList<>();
        List<EmailChangeCancelled> cancelled = new ArrayList<>();
        for (RegistrationTopicEvent event : events) {
            if (event instanceof RegistrationEvent challenge) {
                challenges.add(challenge);
                if (challenge instanceof EmailChangeRequested change) {
                    changes.add(change);
                }
            }
            else if (event instanceof EmailChangeCancelled cancel) {
                cancelled.add(cancel);
            }
            else if (event instanceof SignupAttempted attempt) {
                attempts.add(attempt);
            }
            else {
                expired.add((RegistrationExpired) event);
            }
        }
        if (!challenges.isEmpty()) {
            mailer.accept(challenges, traceparents);
        }
        if (!attempts.isEmpty()) {
            mailer.notify(attempts, traceparents);
        }
        if (!changes.isEmpty()) {
            mailer.notifyChanges(changes, traceparents);
        }
        if (!cancelled.isEmpty()) {
            mailer.cancelChanges(cancelled);
        }
        if (!expired.isEmpty()) {
            mailer.forget(expired);
        }
    }

    /**
     * Only registration-service's events count. A challenge's sealed authcode must open here, or the record is
     * dead-lettered (a key missing from {@code VERIMAIL_SECRET_KEYS}, a forged or altered record) rather than
     * becoming an email that can never be sent. A v1 challenge (authcode in clear) is sealed here, so that the
     * deliveries never hold an authcode in clear either.
     */
    private RegistrationTopicEvent read(ConsumerRecord<String, String> record) {
        RegistrationTopicEvent read = EventRecords.read(record, RegistrationTopicEvent.class, producer);
        if (read == null) {
            return null;
        }
        if (read instanceof RegistrationExpired expired) {
            if (expired.eventId() == null) {
                throw new UnreadableEventException("RegistrationExpired without eventId");
            }
            return expired;
        }
        if (read instanceof EmailChangeCancelled cancel) {
            if (cancel.eventId() == null || cancel.token() == null) {
                throw new UnreadableEventException("EmailChangeCancelled without eventId or token");
            }
            return cancel;
        }
        if (read instanceof EmailChangeRequested change && (blank(change.previousEmail())
                || change.previousEmail().length() > MAX_EMAIL)) {
            throw new UnreadableEventException("EmailChangeRequested without a usable previousEmail");
        }
        if (read instanceof SignupAttempted attempt) {
            if (attempt.eventId() == null || attempt.occurredAt() == null || blank(attempt.email())
                    || attempt.name() == null) {
                throw new UnreadableEventException("SignupAttempted without eventId, occurredAt, email or name");
            }
            if (attempt.email().length() > MAX_EMAIL || attempt.name().length() > MAX_NAME) {
                throw new UnreadableEventException("SignupAttempted with a field longer than this service stores");
            }
            return attempt;
        }
        RegistrationEvent event = (RegistrationEvent) read;
        String secret = event.sealed() ? event.sealedAuthcode() : event.authcode();
        if (event.eventId() == null || event.occurredAt() == null || event.expiresAt() == null
                || blank(event.email()) || blank(event.token()) || blank(secret) || event.name() == null) {
            throw new UnreadableEventException("Registration event without eventId, occurredAt, expiresAt, name, "
                    + "email, token or " + (event.sealed() ? "sealedAuthcode" : "authcode"));
        }
        if (event.email().length() > MAX_EMAIL || event.name().length() > MAX_NAME
                || event.token().length() > MAX_SECRET || secret.length() > MAX_SECRET) {
            throw new UnreadableEventException("Registration event with a field longer than this service stores");
        }
        String context = SecretBox.authcodeContext(event.userId(), event.token());
        if (!event.sealed()) {
            return sealed(event, box.seal(event.authcode(), context));
        }
        try {
            box.open(event.sealedAuthcode(), context);
        }
        catch (UnsealException e) {
            throw new UnreadableEventException(event.getClass().getSimpleName() + " whose sealedAuthcode does not "
                    + "open: " + e.getMessage());
        }
        // the code beside the link is optional (older producers send none), but one that is there must open
        if (event.sealedCode() != null) {
            if (event.sealedCode().length() > MAX_SECRET) {
                throw new UnreadableEventException("Registration event with a field longer than this service stores");
            }
            try {
                box.open(event.sealedCode(), SecretBox.codeContext(event.userId(), event.token()));
            }
            catch (UnsealException e) {
                throw new UnreadableEventException(event.getClass().getSimpleName() + " whose sealedCode does not "
                        + "open: " + e.getMessage());
            }
        }
        return event;
    }

    private static RegistrationEvent sealed(RegistrationEvent v1, String sealedAuthcode) {
        if (v1 instanceof UserRegistered) {
            return UserRegistered.v2(v1.eventId(), v1.occurredAt(), v1.userId(), v1.name(), v1.email(), v1.token(),
                    v1.expiresAt(), null, sealedAuthcode);
        }
        return VerificationReissued.v2(v1.eventId(), v1.occurredAt(), v1.userId(), v1.name(), v1.email(), v1.token(),
                v1.expiresAt(), null, sealedAuthcode);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
