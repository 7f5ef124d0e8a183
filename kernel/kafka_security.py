"""How every Kafka client of the product authenticates and encrypts, and what it says when it cannot.

`client_options` turns the settings into kafka-python 3 options (the names below are kafka-python
3.0.12's: kafka/consumer/group.py, kafka/producer/kafka.py, kafka/admin/client.py). `build` makes
the client and, when the broker could not be reached, raises KafkaConnectError naming the cause
and the setting to change, instead of kafka-python's bare "Unable to bootstrap".

Why the cause has to be gathered here: kafka-python 3.0.12 retries a refused SASL login like a
broker that is not up yet (KafkaConnection.initialize swallows the SaslAuthenticationFailedError, so
the manager's "auth failure is final" path never sees it) until bootstrap_timeout_ms, then reports a
timeout. The reasons it logs for each failed attempt ("Bootstrap connection to … failed: <error>")
are collected while the client is built, and the most telling one is reported.
"""
from __future__ import annotations

import logging
import threading

from kernel.settings import Settings

log = logging.getLogger(__name__)

# How long a client may try to reach the brokers before it gives up with a KafkaConnectError. The
# processes start after the broker is healthy (docker-compose.yml) or restart with a back-off
# (devstack/local_stack.py), so waiting longer only delays the message that says what is wrong.
BOOTSTRAP_TIMEOUT_MS = 10_000
# The broker certificate's name is always checked against the address in KAFKA_BOOTSTRAP_SERVERS.
SSL_CHECK_HOSTNAME = True


class KafkaConnectError(RuntimeError):
    """No Kafka client could be made with these settings; the message says why and what to change."""


def client_options(settings: Settings) -> dict:
    """kafka-python options for the connection's security. Never logged: it holds the password."""
    protocol = settings.kafka_security_protocol
    options: dict = {"security_protocol": protocol, "bootstrap_timeout_ms": BOOTSTRAP_TIMEOUT_MS}
    if protocol.startswith("SASL_"):
        options.update(
            sasl_mechanism=settings.kafka_sasl_mechanism,
            sasl_plain_username=settings.kafka_sasl_username,  # kafka-python uses these for SCRAM too
            sasl_plain_password=settings.kafka_sasl_password,
        )
    if protocol in ("SSL", "SASL_SSL"):
        options.update(
            ssl_check_hostname=SSL_CHECK_HOSTNAME,
            # None: the system's CAs (kafka-python: SSLContext.load_default_certs()).
            ssl_cafile=settings.kafka_ssl_cafile or None,
            ssl_certfile=settings.kafka_ssl_certfile or None,
            ssl_keyfile=settings.kafka_ssl_keyfile or None,
        )
    return options


def describe(settings: Settings) -> str:
    """Where and as whom the clients connect, for log lines: never the password."""
    text = f"{settings.kafka_bootstrap_servers} over {settings.kafka_security_protocol}"
    if settings.kafka_security_protocol.startswith("SASL_"):
        text += f" as {settings.kafka_sasl_username!r} ({settings.kafka_sasl_mechanism})"
    return text


def build(factory, settings: Settings, options: dict):
    """factory(**options), with a KafkaConnectError that says why when the brokers cannot be used."""
    from kafka import errors

    if settings.kafka_security_protocol.startswith("SASL_"):
        _use_strict_scram()
    _keep_out_of_kafka_logs(settings.kafka_sasl_password)
    watch = _FailedAttempts()
    watch.start()
    try:
        return factory(**options)
    except (errors.KafkaTimeoutError, errors.KafkaConnectionError) as exc:  # kafka-python 3: no bootstrap
        raise KafkaConnectError(explain(settings, watch.reasons(), options)) from exc
    finally:
        watch.stop()


def explain(settings: Settings, reasons: list[BaseException], options: dict | None = None) -> str:
    """One message for the failed attempts: a refused login before a TLS failure before the rest."""
    from kafka import errors

    waited = (options or {}).get("bootstrap_timeout_ms", BOOTSTRAP_TIMEOUT_MS) / 1000
    where = describe(settings)
    reasons = [r for r in reasons if not isinstance(r, errors.KafkaTimeoutError)]  # the outcome, not a cause
    for reason in reasons:
        if isinstance(reason, errors.SaslAuthenticationFailedError):
            return (f"Kafka at {settings.kafka_bootstrap_servers} refused the login of user "
                    f"{settings.kafka_sasl_username!r} ({settings.kafka_sasl_mechanism}): {_text(reason)}. "
                    "Check KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD (and that the user exists on the broker).")
    for reason in reasons:
        if isinstance(reason, errors.UnsupportedSaslMechanismError):
            return (f"Kafka at {settings.kafka_bootstrap_servers} does not offer {settings.kafka_sasl_mechanism} "
                    f"on this listener: {_text(reason)}. Check KAFKA_SASL_MECHANISM.")
    for reason in reasons:
        text = _text(reason)
        if "Handshake failed" in text or "SSL" in text or "certificate" in text.lower():
            return (f"TLS with Kafka at {settings.kafka_bootstrap_servers} failed: {text}. Check KAFKA_SSL_CAFILE "
                    "(the CA that signed the broker's certificate) and that the certificate names the host in "
                    "KAFKA_BOOTSTRAP_SERVERS.")
    last = f": last error {_text(reasons[-1])}" if reasons else ""
    return (f"no Kafka broker could be used at {where} within {waited:g} s{last}. Check KAFKA_BOOTSTRAP_SERVERS "
            "and that KAFKA_SECURITY_PROTOCOL matches the listener (SASL_SSL for a TLS listener with SCRAM).")


def _text(reason: BaseException) -> str:
    return str(reason) or type(reason).__name__


class _FailedAttempts(logging.Handler):
    """Collects the errors kafka-python logs for failed bootstrap attempts while a client is built."""

    LOGGER = "kafka.net.manager"

    def __init__(self):
        super().__init__(level=logging.WARNING)
        self._found: list[BaseException] = []
        self._lock_found = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        for arg in record.args if isinstance(record.args, tuple) else ():
            if isinstance(arg, BaseException):
                with self._lock_found:
                    self._found.append(arg)

    def reasons(self) -> list[BaseException]:
        with self._lock_found:
            return list(self._found)

    def start(self) -> None:
        logging.getLogger(self.LOGGER).addHandler(self)

    def stop(self) -> None:
        logging.getLogger(self.LOGGER).removeHandler(self)


class _Redact(logging.Filter):
    """Replaces the secrets given to kafka-python in its log records: KafkaAdminClient logs its
    whole configuration, the SASL password with it, at DEBUG ("Starting KafkaAdminClient with
    configuration: …", kafka/admin/client.py)."""

    def __init__(self):
        super().__init__()
        self.secrets: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        secrets = self.secrets
        if secrets:
            message = record.getMessage()
            if any(secret in message for secret in secrets):
                for secret in secrets:
                    message = message.replace(secret, "***")
                record.msg, record.args = message, ()
        return True


_redact = _Redact()
_redact_lock = threading.Lock()


def _keep_out_of_kafka_logs(secret: str) -> None:
    """Put the redacting filter on every kafka-python logger (filters do not pass to child loggers,
    so each one gets it); remember the secret."""
    with _redact_lock:
        if secret:
            _redact.secrets.add(secret)
        loggers = [logging.getLogger("kafka")] + [
            logger for name, logger in logging.Logger.manager.loggerDict.items()
            if name.startswith("kafka.") and isinstance(logger, logging.Logger)]
        for logger in loggers:
            if _redact not in logger.filters:
                logger.addFilter(_redact)


_strict_scram_lock = threading.Lock()


def _use_strict_scram() -> None:
    """Make kafka-python's SCRAM client treat a server-final `e=…` as a refused login.

    RFC 5802 §7 lets a SCRAM server end the exchange with `e=invalid-proof` (or `e=unknown-user`)
    instead of its signature; kafka-python 3.0.12 then fails with KeyError('v') and retries, so a
    wrong password looked like a network fault. Apache Kafka answers with an error code instead,
    which kafka-python already reports as SaslAuthenticationFailedError; brokers that follow the RFC
    (Tansu, the local stack's) now get the same. Registered once per process, on first use, through
    kafka-python's own registry (kafka.net.sasl.register_sasl_mechanism).
    """
    from kafka.errors import SaslAuthenticationFailedError
    from kafka.net import sasl
    from kafka.net.sasl.scram import SaslMechanismScram

    class StrictScram(SaslMechanismScram):
        def receive(self, auth_bytes):
            if self._state == 1 and auth_bytes.startswith(b"e="):
                reason = auth_bytes[2:].decode("utf-8", "replace")
                raise SaslAuthenticationFailedError(f"the broker refused the SCRAM proof ({reason})")
            return super().receive(auth_bytes)

    with _strict_scram_lock:
        for name in ("SCRAM-SHA-256", "SCRAM-SHA-512"):
            current = sasl.get_sasl_mechanism(name)
            if getattr(current, "__name__", "") != "StrictScram":
                sasl.register_sasl_mechanism(name, StrictScram, overwrite=True)
