#!/usr/bin/env bash
# One-shot: the topics with their partition counts (as `make run` creates them), as the admin.
set -euo pipefail
. /deploy/kafka/common.sh

config=$(mktemp)
trap 'rm -f "$config"' EXIT
admin_client_config "$config"
for topic in "${EVENTS_TOPIC:-campus.events}:6" "${DEAD_LETTER_TOPIC:-campus.events.dlq}:1"; do
  /opt/kafka/bin/kafka-topics.sh --bootstrap-server kafka:9092 --command-config "$config" --create \
    --if-not-exists --topic "${topic%%:*}" --partitions "${topic##*:}" --replication-factor 1
done
