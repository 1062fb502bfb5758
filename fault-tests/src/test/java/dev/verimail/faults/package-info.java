/**
 * Fault-injection tests: the three services run as separate JVMs against a real Kafka broker (a child JVM that can
 * be stopped and restarted), a real MariaDB/MySQL and a real HTTP server in SendCloud's place. Each test keeps
 * sign-ups coming while it stops, kills or breaks one part, then counts what came out the other end: accepted
 * sign-ups, SendCloud calls, duplicates, verified users and {@code EmailVerified} events. The counts are printed
 * and written to {@code target/fault-report/<scenario>.md}.
 */
package dev.verimail.faults;
