#!/bin/sh
# The proxy's entry point (deploy/nginx/Dockerfile; tests/dashboard/test_proxy_https.py runs it
# too): a self-signed certificate when none is there, the configuration rendered from
# campus.conf.template, then nginx in the foreground in its own prefix folder.
#
# Settings (environment), with the compose stack's defaults:
#   UPSTREAM           the web app (gunicorn)                       web:8050
#   RESOLVER           the DNS server that finds it (Docker's)      127.0.0.11
#   LISTEN_HTTPS       where to take https: port, or address:port   443
#   LISTEN_HTTP        where to take plain http (redirected)        80
#   PUBLIC_HTTPS_PORT  the https port browsers see, for redirects   443
#   TLS_DIR            the certificate folder: tls.crt (the chain, the server's first) and tls.key
#                      (PEM); a self-signed pair is made here for a trial when both are missing
#                                                                   /etc/campus-proxy/tls
#   TLS_NAMES          names and addresses the self-signed certificate is for, comma-separated
#                                                                   localhost,127.0.0.1
#   PROXY_PREFIX       nginx's working folder (rendered config, pid, temp files)
#                                                                   /var/lib/campus-proxy
#   NGINX_BIN          the nginx program (not NGINX: nginx reads that itself)   nginx
#   NGINX_USER         the workers' user when started as root       www-data
set -eu

UPSTREAM=${UPSTREAM:-web:8050}
RESOLVER=${RESOLVER:-127.0.0.11}
LISTEN_HTTPS=${LISTEN_HTTPS:-443}
LISTEN_HTTP=${LISTEN_HTTP:-80}
PUBLIC_HTTPS_PORT=${PUBLIC_HTTPS_PORT:-443}
TLS_DIR=${TLS_DIR:-/etc/campus-proxy/tls}
TLS_NAMES=${TLS_NAMES:-localhost,127.0.0.1}
PROXY_PREFIX=${PROXY_PREFIX:-/var/lib/campus-proxy}
NGINX_BIN=${NGINX_BIN:-nginx}
NGINX_USER=${NGINX_USER:-www-data}
here=$(cd "$(dirname "$0")" && pwd)
TEMPLATE=${TEMPLATE:-$here/campus.conf.template}
TLS_CERT=$TLS_DIR/tls.crt
TLS_KEY=$TLS_DIR/tls.key

if [ ! -e "$TLS_CERT" ] && [ ! -e "$TLS_KEY" ]; then
    # A trial: browsers will warn until the school's certificate replaces this one.
    names=""
    old_ifs=$IFS; IFS=,
    for name in $TLS_NAMES; do
        case $name in
            "") ;;
            *[!0-9.]*) case $name in *:*) names="$names,IP:$name" ;; *) names="$names,DNS:$name" ;; esac ;;
            *) names="$names,IP:$name" ;;
        esac
    done
    IFS=$old_ifs
    first=${TLS_NAMES%%,*}
    mkdir -p "$TLS_DIR" "$PROXY_PREFIX"
    umask 077
    if ! openssl req -x509 -newkey rsa:2048 -sha256 -nodes -days 825 -keyout "$TLS_KEY" -out "$TLS_CERT" \
            -subj "/CN=${first:-localhost}" -addext "subjectAltName=${names#,}" \
            -addext "basicConstraints=critical,CA:FALSE" -addext "extendedKeyUsage=serverAuth" \
            2>"$PROXY_PREFIX/openssl.log"; then
        cat "$PROXY_PREFIX/openssl.log" >&2
        echo "start.sh: could not make a certificate in $TLS_DIR (is it writable?)" >&2
        exit 1
    fi
    umask 022
    chmod 644 "$TLS_CERT"
    echo "start.sh: made a self-signed certificate for ${TLS_NAMES} in $TLS_DIR (a trial: browsers warn;" \
         "put the school's tls.crt and tls.key there instead)" >&2
elif [ ! -r "$TLS_CERT" ] || [ ! -r "$TLS_KEY" ]; then
    echo "start.sh: $TLS_DIR needs both tls.crt and tls.key, readable (found only one of them)" >&2
    exit 1
fi

case $PUBLIC_HTTPS_PORT in 443) HTTPS_PORT_SUFFIX="" ;; *) HTTPS_PORT_SUFFIX=":$PUBLIC_HTTPS_PORT" ;; esac

mkdir -p "$PROXY_PREFIX/temp"
export UPSTREAM RESOLVER LISTEN_HTTPS LISTEN_HTTP HTTPS_PORT_SUFFIX TLS_CERT TLS_KEY NGINX_USER
# Only these names: nginx's own $variables stay as they are.
envsubst '${UPSTREAM} ${RESOLVER} ${LISTEN_HTTPS} ${LISTEN_HTTP} ${HTTPS_PORT_SUFFIX} ${TLS_CERT} ${TLS_KEY} ${NGINX_USER}' \
    < "$TEMPLATE" > "$PROXY_PREFIX/nginx.conf"
"$NGINX_BIN" -t -q -p "$PROXY_PREFIX/" -c "$PROXY_PREFIX/nginx.conf"
exec "$NGINX_BIN" -p "$PROXY_PREFIX/" -c "$PROXY_PREFIX/nginx.conf" -g 'daemon off;'
