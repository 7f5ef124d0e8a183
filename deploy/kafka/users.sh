#!/usr/bin/env bash
# One-shot, at every start: the SCRAM users of the stack and what each may do (ACLs), as the admin.
# Both steps are idempotent: a user's credential is replaced by the one in .env (a rotated password
# takes effect here), and an ACL that exists already is left as it is.
#
# Authorisation is KRaft's StandardAuthorizer (authorizer.class.name on the broker); a resource with
# no ACL is open to super users only (allow.everyone.if.no.acl.found=false). Each principal gets the
# least it needs (Kafka docs, "Authorization and ACLs"; operations per API: "Operations and
# Resources on Protocols"):
#   campus      WRITE campus.events                (the campus systems, on the external TLS listener)
#   web         WRITE campus.events                (the duty console's alert-handling events; the
#                                                   events API)
#   aggregator  READ campus.events, its group; WRITE campus.events.dlq (bad messages)
#   recorder    READ campus.events, its group; WRITE campus.events (the duty console's outbox, sent
#               when the web app could not) and campus.events.dlq (events the ledger refuses)
# READ and WRITE imply DESCRIBE (metadata, offsets). An idempotent producer (kafka-python's and
# Java's default) needs no IDEMPOTENT_WRITE on the cluster from Kafka 3.2 on: WRITE on a topic
# suffices (KIP-679).
#
# ACLs are per topic: they cannot tell an alert-handling event (alert.acknowledged / dispatched /
# resolved) from any other event on campus.events. That only the web app (and the recorder sending
# its outbox) can issue handling events is enforced by the events' HMAC `proof`, which the
# aggregator and the recorder check (docs/operations.md); the ACLs keep every principal to its topics.
set -euo pipefail
. /deploy/kafka/common.sh

EVENTS=${EVENTS_TOPIC:-campus.events}
DEAD_LETTERS=${DEAD_LETTER_TOPIC:-campus.events.dlq}
AGGREGATOR_GROUP=${CONSUMER_GROUP:-campus-aggregator}
RECORDER_GROUP=${RECORDER_GROUP:-campus-recorder}
BIN=/opt/kafka/bin

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
admin_client_config "$work/admin.properties"

user() {  # user NAME VARIABLE MECHANISM...: create or update its SCRAM credentials (password from $VARIABLE)
  local name=$1 variable=$2
  shift 2
  local password=${!variable:-}
  need_password "$variable" "$password"
  : >"$work/scram.properties"
  for mechanism in "$@"; do
    # --add-config-file: a properties file MECHANISM=iterations=N,password=P (kafka-configs.sh reads
    # it with Utils.loadProps and parses the value as "(iterations=N,)?password=P": ConfigCommand
    # parseConfigsToBeAdded / alterUserScramCredentialConfigs), so no password is on a command line.
    printf '%s=iterations=8192,password=%s\n' "$mechanism" "$password" >>"$work/scram.properties"
  done
  "$BIN/kafka-configs.sh" --bootstrap-server kafka:9092 --command-config "$work/admin.properties" --alter \
    --entity-type users --entity-name "$name" --add-config-file "$work/scram.properties"
}

allow() {  # allow PRINCIPAL OPERATION RESOURCE-OPTIONS...
  local principal=$1 operation=$2
  shift 2
  "$BIN/kafka-acls.sh" --bootstrap-server kafka:9092 --command-config "$work/admin.properties" --add \
    --allow-principal "User:$principal" --operation "$operation" "$@" >/dev/null
}

user web KAFKA_WEB_PASSWORD SCRAM-SHA-512
user aggregator KAFKA_AGGREGATOR_PASSWORD SCRAM-SHA-512
user recorder KAFKA_RECORDER_PASSWORD SCRAM-SHA-512
# Campus systems' Kafka clients vary: both SCRAM mechanisms the external listener offers.
user campus KAFKA_CAMPUS_PASSWORD SCRAM-SHA-512 SCRAM-SHA-256

allow campus Write --topic "$EVENTS"
allow web Write --topic "$EVENTS"
allow aggregator Read --topic "$EVENTS"
allow aggregator Read --group "$AGGREGATOR_GROUP"
allow aggregator Write --topic "$DEAD_LETTERS"
allow recorder Read --topic "$EVENTS"
allow recorder Read --group "$RECORDER_GROUP"
allow recorder Write --topic "$EVENTS"
allow recorder Write --topic "$DEAD_LETTERS"
echo "Kafka users web, aggregator, recorder, campus and their ACLs are in place:"
"$BIN/kafka-acls.sh" --bootstrap-server kafka:9092 --command-config "$work/admin.properties" --list
