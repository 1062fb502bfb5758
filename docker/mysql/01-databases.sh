#!/bin/bash
# Runs once, when the MySQL volume is created: one database per service; one runtime user per service with data
# rights only on its own database (no CREATE, ALTER, DROP: a service that is broken into cannot change the schema);
# one migration user, 'migrator', with DDL rights, which only Flyway uses at start-up (SPRING_FLYWAY_USER).
# Passwords come from the environment of the mysql container (see docker-compose.yml and .env).
set -euo pipefail
mysql -uroot -p"${MYSQL_ROOT_PASSWORD}" <<SQL
CREATE DATABASE IF NOT EXISTS registration CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_ai_ci;
CREATE DATABASE IF NOT EXISTS mailer CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_ai_ci;
CREATE DATABASE IF NOT EXISTS verification CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_ai_ci;
CREATE USER IF NOT EXISTS 'registration'@'%' IDENTIFIED BY '${REGISTRATION_DB_PASSWORD}';
CREATE USER IF NOT EXISTS 'mailer'@'%' IDENTIFIED BY '${MAILER_DB_PASSWORD}';
CREATE USER IF NOT EXISTS 'verification'@'%' IDENTIFIED BY '${VERIFICATION_DB_PASSWORD}';
CREATE USER IF NOT EXISTS 'migrator'@'%' IDENTIFIED BY '${MIGRATION_DB_PASSWORD}';
GRANT SELECT, INSERT, UPDATE, DELETE ON registration.* TO 'registration'@'%';
GRANT SELECT, INSERT, UPDATE, DELETE ON mailer.* TO 'mailer'@'%';
GRANT SELECT, INSERT, UPDATE, DELETE ON verification.* TO 'verification'@'%';
GRANT ALL PRIVILEGES ON registration.* TO 'migrator'@'%';
GRANT ALL PRIVILEGES ON mailer.* TO 'migrator'@'%';
GRANT ALL PRIVILEGES ON verification.* TO 'migrator'@'%';
FLUSH PRIVILEGES;
SQL
