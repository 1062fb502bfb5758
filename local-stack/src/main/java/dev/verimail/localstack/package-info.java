/**
 * The one-command local stack: {@link dev.verimail.localstack.LocalStack} starts a Kafka broker in its own JVM,
 * picks a database (embedded H2 files by default, or a MySQL/MariaDB server), and runs the three services as child
 * processes with the right settings, so a person with only a JDK can try the whole flow.
 */
package dev.verimail.localstack;
