/**
 * The one-command local stack: {@link dev.verimail.localstack.LocalStack} starts a Kafka broker in its own JVM,
 * picks a database (an embedded MariaDB with its data in {@code data/db} by default, or a MySQL/MariaDB server), and
 * runs the three services as child processes with the right settings, so a person with only a JDK can try the whole
 * flow on the same database engine family as production.
 */
package dev.verimail.localstack;
