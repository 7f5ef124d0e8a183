# Shared by the Kafka one-shot jobs of docker-compose.yml (sourced, bash). Nothing here is run
# by the product itself: see docs/operations.md, "Connections and their security".

# A password goes into Kafka's JAAS and SCRAM configuration syntax (quotes, commas, brackets):
# letters, digits and . _ ~ - only, at least 16 of them (`openssl rand -hex 24` makes one).
need_password() {  # need_password NAME VALUE
  local name=$1 value=$2
  if [[ -z $value ]]; then
    echo "$name is not set (see .env.example)" >&2
    exit 2
  fi
  if [[ ! $value =~ ^[A-Za-z0-9._~-]{16,}$ ]]; then
    echo "$name must be 16 or more letters, digits or . _ ~ - (e.g. openssl rand -hex 24)" >&2
    exit 2
  fi
}

# The admin's client configuration for the Kafka command-line tools (--command-config), in a file
# only this job can read: the password stays off every command line.
admin_client_config() {  # admin_client_config FILE
  need_password KAFKA_ADMIN_PASSWORD "${KAFKA_ADMIN_PASSWORD:-}"
  umask 077
  cat >"$1" <<PROPERTIES
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="${KAFKA_ADMIN_PASSWORD}";
PROPERTIES
}
