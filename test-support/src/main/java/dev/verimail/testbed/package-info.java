/**
 * The test bed every service's integration tests share: a real MySQL/MariaDB database (a fresh one per test class)
 * and a real Kafka broker (a fresh one per test class).
 * <p>
 * With Docker, Testcontainers starts MySQL 8.4 and Kafka. Without Docker it uses the MySQL or MariaDB server at
 * {@code VERIMAIL_TEST_DB_URL} (default {@code jdbc:mariadb://127.0.0.1:3306/}, user {@code VERIMAIL_TEST_DB_USER},
 * default {@code root}, password {@code VERIMAIL_TEST_DB_PASSWORD}, default empty) and starts an in-process KRaft
 * broker. Set {@code VERIMAIL_TEST_DOCKER=false} to ignore a Docker engine that is present.
 * <p>
 * Annotate a test class with {@link dev.verimail.testbed.ServiceTest} to get both wired into its Spring context.
 */
package dev.verimail.testbed;
