# Shared by broker.sh and setup.sh (sourced). Kafka's SCRAM tools take a password inside [name=...,password=...]
# and the JAAS lines below quote it without escapes: so a password here may not hold commas, brackets, quotes,
# backslashes or blanks (openssl rand -hex 24 makes a good one).
require_password() {
  local name=$1 value=${!1:-}
  if [ -z "$value" ]; then
    echo "$name is not set (see .env.example)" >&2; exit 1
  fi
  case "$value" in
    *[],[\"\\\ \	]*) echo "$name must not contain commas, brackets, quotes, backslashes or blanks" >&2; exit 1 ;;
  esac
}

# Client properties of the super user admin, for Kafka's command-line tools (mode 600, never on a volume).
write_admin_client_config() {
  local file=$1
  umask 077
  cat > "$file" <<CONF
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-256
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="${KAFKA_ADMIN_PASSWORD}";
CONF
}
