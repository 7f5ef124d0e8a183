#!/usr/bin/env bash
# One-shot, before the broker's first start: format the KRaft storage with the SCRAM credentials of
# the broker itself (its inter-broker login on the INTERNAL listener) and of the admin the other jobs
# use. In KRaft, SCRAM credentials live in the metadata log, so the first ones must be written when
# the storage is formatted: `kafka-storage.sh format --add-scram` (KIP-900, Kafka 3.5+; Kafka docs,
# "Creating SCRAM Credentials": "Credentials for inter-broker communication must be created before
# Kafka brokers are started"). A formatted volume is left alone; later users come from users.sh.
set -euo pipefail
. /deploy/kafka/common.sh

DATA=/var/lib/kafka/data
if [[ -f $DATA/meta.properties ]]; then
  echo "the Kafka storage is formatted already; users and ACLs come from kafka-users"
  exit 0
fi
need_password KAFKA_BROKER_PASSWORD "${KAFKA_BROKER_PASSWORD:-}"
need_password KAFKA_ADMIN_PASSWORD "${KAFKA_ADMIN_PASSWORD:-}"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
umask 077
# The storage tool reads the node's configuration (KafkaConfig) to find its directories; these are
# the broker's own settings (docker-compose.yml, service kafka), as far as formatting needs them.
cat >"$work/server.properties" <<PROPERTIES
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:9093
controller.listener.names=CONTROLLER
listeners=CONTROLLER://127.0.0.1:9093,INTERNAL://:9092,EXTERNAL://:9094
listener.security.protocol.map=CONTROLLER:PLAINTEXT,INTERNAL:SASL_PLAINTEXT,EXTERNAL:SASL_SSL
inter.broker.listener.name=INTERNAL
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
sasl.enabled.mechanisms=SCRAM-SHA-512
log.dirs=$DATA
PROPERTIES
# The credentials as an @-file (kafka-storage reads arguments from a file given as @FILE), so that
# no password shows on a command line.
cat >"$work/arguments" <<ARGUMENTS
--add-scram
SCRAM-SHA-512=[name=broker,iterations=8192,password=${KAFKA_BROKER_PASSWORD}]
--add-scram
SCRAM-SHA-512=[name=admin,iterations=8192,password=${KAFKA_ADMIN_PASSWORD}]
ARGUMENTS
/opt/kafka/bin/kafka-storage.sh format --cluster-id "$CLUSTER_ID" --config "$work/server.properties" "@$work/arguments"
