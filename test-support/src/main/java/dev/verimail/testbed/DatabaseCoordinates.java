package dev.verimail.testbed;

/**
 * Where a test's database is: a JDBC URL that already names the database, and credentials.
 */
public record DatabaseCoordinates(String url, String username, String password, String databaseName) {
}
