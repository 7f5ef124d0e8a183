#!/bin/sh
# One-shot, before the broker starts: the certificate of Kafka's external (SASL_SSL) listener.
#
# The school's own certificate: put broker.pem (its private key, unencrypted PKCS#8 "BEGIN PRIVATE
# KEY", then the certificate and its chain) and ca.pem (the CA campus systems must trust) in
# KAFKA_CERTS_DIR; with no ca.key beside them they are used as they are (this job only checks them).
# Otherwise, for a trial: a self-signed CA (ca.pem, ca.key) made once, and a broker certificate
# signed by it, made again when it is missing, expires within 30 days, or does not name
# KAFKA_EXTERNAL_HOST. Hand ca.pem (never ca.key) to the campus systems.
#
# The broker reads broker.pem as a PEM key store (ssl.keystore.type=PEM, KIP-651: key and chain in
# one file, no key password). Runs as root in python:3.11-slim-bookworm, whose openssl comes with
# ca-certificates; broker.pem is made readable by the Kafka image's user (uid 1000, appuser) only.
set -eu
DIR=${CERTS_DIR:-/certs}
HOST=${KAFKA_EXTERNAL_HOST:?set KAFKA_EXTERNAL_HOST: the name or address campus systems reach Kafka by}
KAFKA_UID=${KAFKA_UID:-1000}
DAYS=${KAFKA_CERT_DAYS:-825}
BITS=${KAFKA_KEY_BITS:-3072}  # RSA: what every campus system's TLS client takes
umask 077
mkdir -p "$DIR"
chmod 755 "$DIR"  # the broker's user must reach broker.pem; ca.key stays root's alone (0600)

names_host() {  # names_host CERT: does the certificate name $HOST (DNS name or IPv4 address)?
  case $HOST in
    *[!0-9.]*) openssl x509 -in "$1" -noout -checkhost "$HOST" | grep -q "does match" ;;
    *) openssl x509 -in "$1" -noout -checkip "$HOST" | grep -q "does match" ;;
  esac
}

if [ -f "$DIR/broker.pem" ] && [ ! -f "$DIR/ca.key" ]; then
  echo "using the provided broker certificate in $DIR"
  names_host "$DIR/broker.pem" || echo "warning: $DIR/broker.pem does not name $HOST: campus systems will refuse it" >&2
  openssl x509 -in "$DIR/broker.pem" -noout -checkend 0 >/dev/null || echo "warning: $DIR/broker.pem has expired" >&2
else
  if [ ! -f "$DIR/ca.key" ]; then
    openssl req -x509 -newkey rsa:$BITS -nodes -days 3650 -subj "/CN=Campus command centre trial CA" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
      -keyout "$DIR/ca.key" -out "$DIR/ca.pem" 2>/dev/null
    echo "made a trial CA: $DIR/ca.pem (give it to the campus systems)"
  fi
  if [ ! -f "$DIR/broker.pem" ] || ! names_host "$DIR/broker.pem" \
     || ! openssl x509 -in "$DIR/broker.pem" -noout -checkend 2592000 >/dev/null; then
    case $HOST in *[!0-9.]*) san="DNS:$HOST" ;; *) san="IP:$HOST" ;; esac
    work=$(mktemp -d)
    printf 'subjectAltName=%s,DNS:kafka,DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=critical,CA:FALSE\n' \
      "$san" >"$work/ext"
    openssl req -newkey rsa:$BITS -nodes -subj "/CN=$HOST" -keyout "$work/key" -out "$work/csr" 2>/dev/null
    openssl x509 -req -in "$work/csr" -CA "$DIR/ca.pem" -CAkey "$DIR/ca.key" -CAcreateserial \
      -CAserial "$DIR/ca.srl" -days "$DAYS" -extfile "$work/ext" -out "$work/crt" 2>/dev/null
    # PKCS#8 key first, then the certificate and the CA: the PEM key store Kafka reads.
    openssl pkey -in "$work/key" -out "$work/key8"
    rm -f "$DIR/broker.pem"
    cat "$work/key8" "$work/crt" "$DIR/ca.pem" >"$DIR/broker.pem"
    rm -rf "$work"
    echo "made the broker certificate for $HOST (valid $DAYS days)"
  fi
fi
chmod 644 "$DIR/ca.pem"
chown "$KAFKA_UID:$KAFKA_UID" "$DIR/broker.pem"
chmod 400 "$DIR/broker.pem"
