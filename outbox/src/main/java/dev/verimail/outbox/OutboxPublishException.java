package dev.verimail.outbox;

/** The broker did not acknowledge a batch; the rows stay in the outbox and are retried. */
class OutboxPublishException extends RuntimeException {

    OutboxPublishException(String message, Throwable cause) {
        super(message, cause);
    }
}
