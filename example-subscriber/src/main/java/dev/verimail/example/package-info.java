/**
 * A minimal subscriber to {@code verification-events}, the public stream of verimail: plain Java, the Kafka client,
 * Jackson and the {@code shared-events} records. Copy it as the starting point of your own consumer.
 */
package dev.verimail.example;
