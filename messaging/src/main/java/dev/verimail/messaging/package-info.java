/**
 * The one consumer policy of every verimail service. A record that cannot be read goes to {@code <topic>.DLT} at
 * once; every other failure (database, broker, timeout, a bug) is retried with a capped backoff for as long as it
 * lasts and never dead-lettered, while the stall is reported: a WARN at most once a minute, the gauge
 * {@code verimail.consumer.stalled.seconds{topic}} and the readiness contributor {@code consumers}. Dead letters are
 * replayed to their topic by {@link dev.verimail.messaging.DeadLetterReplay} (actuator endpoint
 * {@code deadletters}). {@link dev.verimail.messaging.KafkaCredentials} takes a service's Kafka principal from
 * {@code VERIMAIL_KAFKA_USERNAME} and {@code VERIMAIL_KAFKA_PASSWORD} (SASL/SCRAM); without them the service connects
 * unauthenticated.
 */
package dev.verimail.messaging;
