#!/bin/bash
# Runs once, when the MySQL volume is created: one database and one user per service, each user limited to its own
# database. Passwords come from the environment of the mysql container (see docker-compose.yml and .env).
set -euo pipefail
mysql -uroot -p"${MYSQL_ROOT_PASSWORD}" <<SQL
CREATE DATABASE IF NOT EXISTS registration CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_ai_ci;
CREATE DATABASE IF NOT EXISTS mailer CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_ai_ci;
CREATE DATABASE IF NOT EXISTS verification CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_ai_ci;
CREATE USER IF NOT EXISTS 'registration'@'%' IDENTIFIED BY '${REGISTRATION_DB_PASSWORD}';
CREATE USER IF NOT EXISTS 'mailer'@'%' IDENTIFIED BY '${MAILER_DB_PASSWORD}';
CREATE USER IF NOT EXISTS 'verification'@'%' IDENTIFIED BY '${VERIFICATION_DB_PASSWORD}';
GRANT ALL PRIVILEGES ON registration.* TO 'registration'@'%';
GRANT ALL PRIVILEGES ON mailer.* TO 'mailer'@'%';
GRANT ALL PRIVILEGES ON verification.* TO 'verification'@'%';
FLUSH PRIVILEGES;
SQL
