/**
 * The contracts verimail's services exchange over Kafka: event records, topic names and the CloudEvents headers
 * that travel with every record. JSON Schemas for each event live under {@code schemas/} on the classpath.
 * <p>
 * This module is the only code the services share and it depends on nothing but Jackson's annotations, so any
 * JVM consumer can read the events without pulling in Spring.
 */
package dev.verimail.events;
