"""The connection security settings: which combinations are refused when read, what each client is
given, and that no secret reaches a repr or a log line. Pure: no server (tests/test_secure_connections.py
has the servers)."""
from __future__ import annotations

import pytest
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer

from kernel import connections, kafka_security
from kernel.settings import ENV, Settings, SettingsError, redact_url

PG = "postgresql+psycopg://campus@db.school.cn:5432/campus"
SECRET = "s3cret-Pa55word"


@pytest.fixture
def pem(tmp_path):
    path = tmp_path / "ca.pem"
    path.write_text("-----BEGIN CERTIFICATE-----\n")
    return str(path)


def make(**values) -> Settings:
    return Settings.from_env(environ={}, **values)


def sasl(protocol="SASL_SSL", mechanism="SCRAM-SHA-512", **more) -> dict:
    return dict(kafka_security_protocol=protocol, kafka_sasl_mechanism=mechanism,
                kafka_sasl_username="aggregator", kafka_sasl_password=SECRET, **more)


REFUSED = [
    (dict(kafka_security_protocol="SASL_TLS"), "KAFKA_SECURITY_PROTOCOL='SASL_TLS'"),
    (sasl(mechanism="SCRAM-SHA-1"), "KAFKA_SASL_MECHANISM='SCRAM-SHA-1'"),
    (sasl(mechanism=""), "KAFKA_SASL_MECHANISM=''"),
    ({**sasl(), "kafka_sasl_password": ""}, "needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD"),
    ({**sasl(), "kafka_sasl_username": ""}, "needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD"),
    (sasl(protocol="SASL_PLAINTEXT", mechanism="PLAIN"), "PLAIN sends the password in the clear"),
    (dict(kafka_sasl_username="aggregator"), "KAFKA_SECURITY_PROTOCOL=PLAINTEXT does not use them"),
    (dict(kafka_sasl_password=SECRET), "KAFKA_SECURITY_PROTOCOL=PLAINTEXT does not use them"),
    (dict(kafka_security_protocol="SSL", kafka_ssl_cafile="/nowhere/ca.pem"),
     "KAFKA_SSL_CAFILE=/nowhere/ca.pem: no such file"),
    (dict(redis_url="http://redis:6379/0"), "REDIS_URL must be redis://"),
    (dict(redis_url="rediss://redis:6380/0", redis_ca_file="/nowhere/ca.pem"),
     "REDIS_CA_FILE=/nowhere/ca.pem: no such file"),
    (dict(redis_url=f"redis://:{SECRET}@redis:6379/0", redis_password=SECRET), "keep it in REDIS_PASSWORD only"),
    (dict(database_sslmode="verify-full"), "apply to PostgreSQL only"),
    (dict(database_url=PG, database_sslmode="verify_full"), "DATABASE_SSLMODE='verify_full'"),
    (dict(database_url=PG, database_sslmode="verify-full"), "needs DATABASE_SSLROOTCERT"),
    (dict(database_url=PG, database_sslmode="verify-ca"), "needs DATABASE_SSLROOTCERT"),
    (dict(database_url=PG, database_sslmode="verify-full", database_sslrootcert="/nowhere/ca.pem"),
     "DATABASE_SSLROOTCERT=/nowhere/ca.pem: no such file"),
    (dict(database_url=PG.replace("campus@", f"campus:{SECRET}@"), database_password=SECRET), "keep one"),
]


@pytest.mark.parametrize("values, message", REFUSED)
def test_a_combination_no_client_could_connect_with_is_refused_when_read(values, message):
    with pytest.raises(SettingsError) as caught:
        make(**values)
    assert message in str(caught.value)
    assert SECRET not in str(caught.value)


def test_file_settings_that_need_another_setting_say_which(pem):
    cases = [
        (dict(kafka_ssl_cafile=pem), "KAFKA_SECURITY_PROTOCOL=PLAINTEXT uses no TLS"),
        (sasl(protocol="SASL_PLAINTEXT", kafka_ssl_cafile=pem), "KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT uses no TLS"),
        (sasl(kafka_ssl_keyfile=pem), "KAFKA_SSL_KEYFILE needs KAFKA_SSL_CERTFILE"),
        (dict(redis_ca_file=pem), "REDIS_URL is not rediss://"),
        (dict(database_url=PG, database_sslrootcert=pem), "set DATABASE_SSLMODE=verify-full"),
        (dict(database_url=PG + "?sslmode=require", database_sslmode="verify-full", database_sslrootcert=pem),
         "DATABASE_URL has ?sslmode= and DATABASE_SSLMODE is set too"),
    ]
    for values, message in cases:
        with pytest.raises(SettingsError, match=message.replace("?", r"\?")):
            make(**values)


def test_the_environment_variables_reach_the_checks():
    environ = {"KAFKA_SECURITY_PROTOCOL": "SASL_SSL", "KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
               "KAFKA_SASL_USERNAME": "aggregator"}
    with pytest.raises(SettingsError, match="KAFKA_SASL_PASSWORD"):
        Settings.from_env(environ=environ)
    environ["KAFKA_SASL_PASSWORD"] = SECRET
    assert Settings.from_env(environ=environ).kafka_sasl_password == SECRET
    for name in ("kafka_security_protocol", "kafka_sasl_mechanism", "kafka_sasl_username", "kafka_sasl_password",
                 "kafka_ssl_cafile", "kafka_ssl_certfile", "kafka_ssl_keyfile", "redis_password", "redis_ca_file",
                 "database_password", "database_sslmode", "database_sslrootcert"):
        assert name in ENV


def test_how_long_the_group_waits_for_a_dead_consumer_is_a_setting_with_a_floor():
    assert Settings.from_env(environ={}).kafka_session_timeout_ms == 10_000
    assert Settings.from_env(environ={"KAFKA_SESSION_TIMEOUT_MS": "1500"}).kafka_session_timeout_ms == 1500
    with pytest.raises(SettingsError, match="KAFKA_SESSION_TIMEOUT_MS must be at least 1000"):
        Settings.from_env(environ={"KAFKA_SESSION_TIMEOUT_MS": "500"})


def test_the_photo_directory_is_absolute_and_never_a_public_folder(tmp_path):
    """PHOTO_DIR (issue 15): photos are served only through the web app's scope checks."""
    from kernel.settings import PROJECT_ROOT

    assert Settings.from_env(environ={}).photo_dir == str(PROJECT_ROOT / "var" / "photos")
    assert Settings.from_env(environ={"PHOTO_DIR": str(tmp_path / "photos")}).photo_dir == str(tmp_path / "photos")
    with pytest.raises(SettingsError, match="PHOTO_DIR='photos' must be an absolute path"):
        Settings.from_env(environ={"PHOTO_DIR": "photos"})
    for public in (PROJECT_ROOT / "assets", PROJECT_ROOT / "assets" / "photos", PROJECT_ROOT / "var" / ".." / "assets"):
        with pytest.raises(SettingsError, match="lies in assets/"):
            Settings.from_env(environ={"PHOTO_DIR": str(public)})


def test_the_report_directory_is_absolute_private_and_not_the_photos(tmp_path):
    """REPORT_DIR (issue 17): the monthly reports' files, served only through the web app's scope checks,
    and never in PHOTO_DIR, whose sweep removes the files no photo names."""
    from kernel.settings import PROJECT_ROOT

    assert Settings.from_env(environ={}).report_dir == str(PROJECT_ROOT / "var" / "reports")
    assert Settings.from_env(environ={"REPORT_DIR": str(tmp_path / "r")}).report_dir == str(tmp_path / "r")
    with pytest.raises(SettingsError, match="REPORT_DIR='reports' must be an absolute path"):
        Settings.from_env(environ={"REPORT_DIR": "reports"})
    with pytest.raises(SettingsError, match="lies in assets/"):
        Settings.from_env(environ={"REPORT_DIR": str(PROJECT_ROOT / "assets" / "reports")})
    with pytest.raises(SettingsError, match="must not be PHOTO_DIR"):
        Settings.from_env(environ={"REPORT_DIR": str(tmp_path), "PHOTO_DIR": str(tmp_path)})


def test_how_often_photos_are_swept_is_a_setting_with_bounds():
    assert Settings.from_env(environ={}).photo_sweep_seconds == 3600
    assert Settings.from_env(environ={"PHOTO_SWEEP_SECONDS": "0"}).photo_sweep_seconds == 0
    for bad in ("30", "-1", "700000"):
        with pytest.raises(SettingsError, match="PHOTO_SWEEP_SECONDS"):
            Settings.from_env(environ={"PHOTO_SWEEP_SECONDS": bad})


def test_web_threads_have_bounds_and_the_wall_push_is_on_unless_turned_off():
    assert Settings.from_env(environ={}).web_threads == 100 and Settings.from_env(environ={}).wall_push
    assert not Settings.from_env(environ={"WALL_PUSH": "off"}).wall_push
    for bad in ("8", "5000"):
        with pytest.raises(SettingsError, match="WEB_THREADS"):
            Settings.from_env(environ={"WEB_THREADS": bad})


def test_the_notification_settings_have_bounds_and_the_key_stays_out_of_the_repr():
    s = Settings.from_env(environ={"NOTIFY_SECRET_KEY": "n" * 20 + ",o" + "x" * 16, "NOTIFY_MAX_ATTEMPTS": "3"})
    assert s.notify_max_attempts == 3 and "nnnn" not in repr(s)
    for bad in ({"NOTIFY_SECRET_KEY": "short"}, {"NOTIFY_MAX_ATTEMPTS": "0"}, {"NOTIFY_POLL_SECONDS": "0"}):
        with pytest.raises(SettingsError, match="NOTIFY_"):
            Settings.from_env(environ=bad)


def test_how_long_the_walls_history_is_kept_is_a_setting_with_bounds():
    assert Settings.from_env(environ={}).wall_history_days == 90
    assert Settings.from_env(environ={"WALL_HISTORY_DAYS": "0"}).wall_history_days == 0  # none kept
    assert Settings.from_env(environ={"WALL_HISTORY_DAYS": "365"}).wall_history_days == 365
    for bad in ("-1", "3661", "ninety", "1.5"):
        with pytest.raises(SettingsError, match="WALL_HISTORY_DAYS"):
            Settings.from_env(environ={"WALL_HISTORY_DAYS": bad})


def test_sound_combinations_are_accepted(pem):
    make(**sasl(kafka_ssl_cafile=pem))
    make(**sasl(protocol="SASL_PLAINTEXT", mechanism="SCRAM-SHA-256"))
    make(**sasl(mechanism="PLAIN"))
    make(kafka_security_protocol="SSL", kafka_ssl_cafile=pem, kafka_ssl_certfile=pem, kafka_ssl_keyfile=pem)
    make(redis_url="rediss://redis.school.cn:6380/0", redis_ca_file=pem, redis_password=SECRET)
    make(redis_url="rediss://redis.school.cn:6380/0")  # the system's CAs
    make(database_url=PG, database_sslmode="verify-full", database_sslrootcert=pem, database_password=SECRET)
    make(database_url=PG, database_sslmode="verify-full", database_sslrootcert="system")
    make(database_url=PG, database_sslmode="require")


def test_every_kafka_client_gets_the_security_options_under_kafka_pythons_names(pem):
    settings = make(**sasl(kafka_ssl_cafile=pem))
    options = kafka_security.client_options(settings)
    assert options == {
        "security_protocol": "SASL_SSL", "sasl_mechanism": "SCRAM-SHA-512", "sasl_plain_username": "aggregator",
        "sasl_plain_password": SECRET, "ssl_check_hostname": True, "ssl_cafile": pem, "ssl_certfile": None,
        "ssl_keyfile": None, "bootstrap_timeout_ms": kafka_security.BOOTSTRAP_TIMEOUT_MS,
    }
    for client in (KafkaConsumer, KafkaProducer, KafkaAdminClient):
        assert set(options) <= set(client.DEFAULT_CONFIG), client
    plain = kafka_security.client_options(make())
    assert plain == {"security_protocol": "PLAINTEXT", "bootstrap_timeout_ms": kafka_security.BOOTSTRAP_TIMEOUT_MS}


def test_redis_and_postgres_get_their_security_options(pem):
    tls = make(redis_url="rediss://redis.school.cn:6380/0", redis_ca_file=pem, redis_password=SECRET)
    assert connections.redis_security(tls) == {"password": SECRET, "ssl_cert_reqs": "required",
                                               "ssl_check_hostname": True, "ssl_ca_certs": pem}
    assert connections.redis_security(make()) == {}
    client = connections.redis_client(tls)
    kwargs = client.connection_pool.connection_kwargs
    assert kwargs["password"] == SECRET and kwargs["ssl_ca_certs"] == pem and kwargs["ssl_check_hostname"] is True
    pg = make(database_url=PG, database_sslmode="verify-full", database_sslrootcert=pem, database_password=SECRET)
    assert connections.postgres_security(pg) == {"sslmode": "verify-full", "sslrootcert": pem, "password": SECRET}
    engine = connections.sql_engine(pg, connect_args={"connect_timeout": 3})  # the web app adds a timeout
    try:
        given = _what_psycopg_would_get(engine)
        assert {key: given.get(key) for key in ("sslmode", "sslrootcert", "password", "connect_timeout", "host")} == {
            "sslmode": "verify-full", "sslrootcert": pem, "password": SECRET, "connect_timeout": 3,
            "host": "db.school.cn"}
    finally:
        engine.dispose()


class _Stop(Exception):
    pass


def _what_psycopg_would_get(engine) -> dict:
    """The arguments SQLAlchemy hands psycopg.connect, caught at its do_connect event (public API)
    before any connection is attempted."""
    from sqlalchemy import event

    seen: dict = {}

    def catch(_dialect, _record, _cargs, cparams):
        seen.update(cparams)
        raise _Stop

    event.listen(engine, "do_connect", catch)
    with pytest.raises(_Stop):
        engine.connect()
    return seen


def test_no_secret_shows_in_a_repr_or_a_log_line():
    settings = make(**sasl(), redis_url="redis://redis:6379/0", redis_password=SECRET,
                    database_url=PG, database_password=SECRET, secret_key=SECRET + "-cookie-key")
    with_url_passwords = make(redis_url=f"redis://:{SECRET}@redis:6379/0",
                              database_url=PG.replace("campus@", f"campus:{SECRET}@"))
    for shown in (repr(settings), str(settings), repr(with_url_passwords), kafka_security.describe(settings),
                  repr(connections.redis_client(settings)), redact_url(with_url_passwords.redis_url)):
        assert SECRET not in shown
    assert "redis://:***@redis:6379/0" in repr(with_url_passwords)
    assert "campus:***@db.school.cn" in repr(with_url_passwords)
    assert kafka_security.describe(settings) == "127.0.0.1:9092 over SASL_SSL as 'aggregator' (SCRAM-SHA-512)"


def test_urls_without_a_password_are_shown_as_they_are():
    for url in ("redis://127.0.0.1:6379/0", "rediss://redis.school.cn:6380/0", "unix:///run/redis.sock",
                "sqlite:////srv/campus.db", PG):
        assert redact_url(url) == url


def test_the_reason_a_kafka_client_could_not_connect_is_named():
    from kafka import errors

    settings = make(**sasl(), kafka_bootstrap_servers="kafka.school.cn:9094")
    refused = errors.SaslAuthenticationFailedError("Authentication failed during authentication due to invalid "
                                                   "credentials with SASL mechanism SCRAM-SHA-512")
    tls = errors.KafkaConnectionError("Handshake failed: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed")
    timeout = errors.KafkaConnectionError("Connection refused")
    message = kafka_security.explain(settings, [timeout, tls, refused])
    assert message.startswith("Kafka at kafka.school.cn:9094 refused the login of user 'aggregator' (SCRAM-SHA-512)")
    assert "KAFKA_SASL_PASSWORD" in message
    message = kafka_security.explain(settings, [timeout, tls])
    assert message.startswith("TLS with Kafka at kafka.school.cn:9094 failed") and "KAFKA_SSL_CAFILE" in message
    message = kafka_security.explain(settings, [timeout])
    assert "no Kafka broker could be used at kafka.school.cn:9094 over SASL_SSL" in message
    assert "KAFKA_SECURITY_PROTOCOL" in message and "Connection refused" in message
    assert all(SECRET not in kafka_security.explain(settings, reasons) for reasons in ([refused], [tls], []))


def test_term_starts_are_days_that_come_every_year():
    assert Settings.from_env(environ={}).terms == ((9, 1), (2, 1))
    assert Settings.from_env(environ={"TERM_STARTS": " 8-28, 03-01 "}).terms == ((8, 28), (3, 1))
    for bad in (",", "09-31", "02-29", "9/1", "09-01,09-01", "13-01"):
        with pytest.raises(SettingsError, match="TERM_STARTS"):
            Settings.from_env(environ={"TERM_STARTS": bad})


def test_the_demo_past_week_rate_is_a_setting_with_bounds():
    assert Settings.from_env(environ={"DEMO_PAST_RATE": "0"}).demo_past_rate == 0
    for bad in ("-1", "101"):
        with pytest.raises(SettingsError, match="DEMO_PAST_RATE"):
            Settings.from_env(environ={"DEMO_PAST_RATE": bad})
