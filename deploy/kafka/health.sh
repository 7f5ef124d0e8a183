#!/usr/bin/env bash
# The broker's healthcheck: an authenticated ApiVersions round trip on the INTERNAL listener, as the
# broker's own user (its JAAS line is in the container's environment; the password stays off the
# command line).
set -euo pipefail
config=$(mktemp)
trap 'rm -f "$config"' EXIT
chmod 600 "$config"
printf 'security.protocol=SASL_PLAINTEXT\nsasl.mechanism=SCRAM-SHA-512\nsasl.jaas.config=%s\n' \
  "$KAFKA_LISTENER_NAME_INTERNAL_SCRAM___SHA___512_SASL_JAAS_CONFIG" >"$config"
/opt/kafka/bin/kafka-broker-api-versions.sh --bootstrap-server localhost:9092 --command-config "$config" >/dev/null 2>&1
