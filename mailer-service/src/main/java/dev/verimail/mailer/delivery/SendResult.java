package dev.verimail.mailer.delivery;

/**
 * What one call to the transport gave.
 *
 * @param outcome   sent, or a failure worth retrying, or one that never will succeed
 * @param messageId the provider's id of the sent email
 * @param code      SendCloud's {@code statusCode} when it gave one
 * @param error     what went wrong, for the delivery record and the logs; holds no secret
 */
public record SendResult(Outcome outcome, String messageId, Integer code, String error) {

    public enum Outcome {
        SENT, TRANSIENT, PERMANENT
    }

    public static SendResult sent(String messageId) {
        return new SendResult(Outcome.SENT, messageId, null, null);
    }

    public static SendResult transientFailure(Integer code, String error) {
        return new SendResult(Outcome.TRANSIENT, null, code, error);
    }

    public static SendResult permanentFailure(Integer code, String error) {
        return new SendResult(Outcome.PERMANENT, null, code, error);
    }
}
