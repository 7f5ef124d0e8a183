"""The production deployment signs people in, for real: Debian's nginx with the compose stack's own
configuration (deploy/nginx/campus.conf.template, rendered by deploy/nginx/start.sh for loopback
ports, in a scratch prefix) terminates TLS with a certificate of a CA made here, in front of the
web app under gunicorn as `make run` and the image start it, with COOKIE_SECURE=on and
TRUSTED_PROXIES=1. A person signs in over https (the CA verified), then a Dash callback and an
API call carry the Secure cookie; a client's own X-Forwarded-For does not change the address the
sign-in limits count; plain http is sent to https; the events route takes a 16 MB batch and the
rest refuse big bodies; Dash's bundles go out gzipped; Chromium signs in through it too.

nginx, openssl and envsubst come from Debian (.ci/system-packages); without them the tests fail
saying so, never skip."""
from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import requests
from sqlalchemy import select

from devstack import local_services
from devstack.local_stack import child_environment, children
from kernel.connections import sql_engine, sql_sessions
from kernel.settings import PROJECT_ROOT, Settings
from ledger.models import UserSession
from tests.dashboard.conftest import PASSWORD, make_user
from tests.dashboard.test_proxies import router_body
from tests.dashboard.test_wall_browser import browser  # noqa: F401 (the shared Chromium fixture)

START = PROJECT_ROOT / "deploy" / "nginx" / "start.sh"
DEBIAN_NGINX = "/usr/sbin/nginx"  # not on a non-root PATH
SCHOOL = "demo-univ"


def program(name: str, fallback: str | None = None) -> str:
    found = shutil.which(name) or (fallback if fallback and os.access(fallback, os.X_OK) else None)
    if found is None:
        pytest.fail(f"{name} is not installed: the HTTPS proxy test needs Debian's nginx, openssl and "
                    "gettext-base (bash .ci/system-packages installs them, as root)", pytrace=False)
    return found


def make_certificates(folder: Path) -> Path:
    """A CA of the test's own and the proxy's certificate from it (tls.crt, tls.key, as the school's
    would be put in TLS_DIR); the CA's certificate, which clients verify against."""
    openssl = program("openssl")

    def run(*args: str) -> None:
        subprocess.run([openssl, *args], cwd=folder, check=True, capture_output=True)

    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=campus test CA",
        "-keyout", "ca.key", "-out", "ca.crt", "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    run("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", "tls.key", "-out", "tls.csr")
    (folder / "server.ext").write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n"
                                       "extendedKeyUsage=serverAuth\n")
    run("x509", "-req", "-in", "tls.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2",
        "-extfile", "server.ext", "-out", "tls.crt")
    return folder / "ca.crt"


def wait_for(check, what: str, process: subprocess.Popen, log: Path, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if process.poll() is not None:
            pytest.fail(f"{what} exited ({process.returncode}):\n{log.read_text(errors='replace')[-3000:]}")
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not start in {timeout:.0f} s:\n{log.read_text(errors='replace')[-3000:]}")
        time.sleep(0.2)


def listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def stop(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait()


def start_proxy(nginx: str, prefix: Path, tls: Path, web_port: int):
    """deploy/nginx/start.sh as the proxy container runs it, on loopback ports, in `prefix`, with
    the certificate folder `tls`; (the nginx process, https port, http port, its log)."""
    https_port, http_port = local_services.free_port(), local_services.free_port()
    log = prefix.parent / f"{prefix.name}.log"
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "UPSTREAM": f"127.0.0.1:{web_port}", "RESOLVER": "127.0.0.1",
        "LISTEN_HTTPS": f"127.0.0.1:{https_port}", "LISTEN_HTTP": f"127.0.0.1:{http_port}",
        "PUBLIC_HTTPS_PORT": str(https_port), "TLS_DIR": str(tls), "TLS_NAMES": "localhost,127.0.0.1",
        "PROXY_PREFIX": str(prefix), "NGINX_BIN": nginx,
    }
    with open(log, "wb") as out:
        process = subprocess.Popen(["sh", str(START)], env=environment, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    wait_for(lambda: listening(https_port), "nginx", process, log)
    return process, https_port, http_port, log


def scratch_prefix() -> Path:
    # nginx's workers run as www-data when the tests run as root: their prefix must be theirs to
    # enter, which pytest's private temporary folders are not.
    prefix = Path(tempfile.mkdtemp(prefix="campus-proxy-"))
    prefix.chmod(0o755)
    return prefix


class Stack:
    """gunicorn serving the app, nginx in front: what the compose stack runs, on loopback ports."""

    def __init__(self, settings: Settings, ca: Path, https_port: int, http_port: int):
        self.settings, self.ca = settings, ca
        self.url = f"https://127.0.0.1:{https_port}"
        self.http_url = f"http://127.0.0.1:{http_port}"

    def session(self, source: str = "127.0.0.1") -> requests.Session:
        """A client connecting from `source` (any 127.x.y.z: clients at different addresses)."""
        session = requests.Session()
        # Not the environment's CA bundle nor its proxies (REQUESTS_CA_BUNDLE would win over
        # `verify`): the test's own CA, so the certificate chain is checked for real.
        session.trust_env = False
        session.verify = str(self.ca)
        for scheme in ("https://", "http://"):
            session.mount(scheme, _From(source))
        return session


class _From(requests.adapters.HTTPAdapter):
    def __init__(self, source: str):
        self.source = source
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs, source_address=(self.source, 0))


@pytest.fixture(scope="module")
def stack(redis_url, tmp_path_factory):
    nginx = program("nginx", DEBIAN_NGINX)
    program("envsubst")
    work = tmp_path_factory.mktemp("proxy-https")
    prefix = scratch_prefix()
    tls = prefix / "tls"
    tls.mkdir()
    ca = make_certificates(tls)
    settings = Settings.from_env(
        environ={}, redis_url=redis_url, database_url=f"sqlite:///{work / 'campus.db'}", secret_key="h" * 32,
        cookie_secure=True, trusted_proxies=1, web_host="127.0.0.1", web_port=local_services.free_port(),
        web_workers=2, simulator=False, kafka_bootstrap_servers="127.0.0.1:9",
        password_hash_cost=os.environ["PASSWORD_HASH_COST"])  # tests/conftest.py
    make_user(settings, "zhang", role="duty", schools=(SCHOOL,))

    web = next(child for child in children(settings) if child.name == "web")  # as `make run` starts it
    web_log = work / "web.log"
    with open(web_log, "wb") as out:
        gunicorn = subprocess.Popen(web.command, cwd=PROJECT_ROOT, env=child_environment(settings, os.environ),
                                    stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    proxy = None
    try:
        proxy, https_port, http_port, proxy_log = start_proxy(nginx, prefix, tls, settings.web_port)
        wait_for(lambda: listening(settings.web_port), "gunicorn", gunicorn, web_log)
        found = Stack(settings, ca, https_port, http_port)
        found.proxy_log, found.web_log, found.nginx = proxy_log, web_log, nginx
        yield found
    finally:
        if proxy is not None:
            stop(proxy)
        stop(gunicorn)
        shutil.rmtree(prefix, ignore_errors=True)
        Path(f"{prefix}.log").unlink(missing_ok=True)


def csrf_of(page: requests.Response) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page.text)[1]


def sign_in(stack: Stack, session: requests.Session, username: str, password: str, **headers) -> requests.Response:
    form = session.get(f"{stack.url}/login")
    assert form.status_code == 200, form.text
    return session.post(f"{stack.url}/login", data={"csrf": csrf_of(form), "username": username, "password": password},
                        headers={"Origin": stack.url, **headers}, allow_redirects=False)


def test_a_person_signs_in_over_https_and_works_with_the_secure_cookie(stack, redis_client):
    session = stack.session()
    form = session.get(f"{stack.url}/login")
    assert "max-age=31536000" in form.headers["Strict-Transport-Security"]
    assert "frame-ancestors 'none'" in form.headers["Content-Security-Policy"]
    assert "COOKIE_SECURE" not in form.text  # https as the proxy says: nothing to warn about
    signed = session.post(f"{stack.url}/login", allow_redirects=False, headers={"Origin": stack.url},
                          data={"csrf": csrf_of(form), "username": "zhang", "password": PASSWORD})
    assert signed.status_code == 303 and signed.headers["Location"] == "/duty", (signed.status_code, signed.text)
    cookie = next(c for c in session.cookies if c.name == "campus_session")
    assert cookie.secure and "HttpOnly" in signed.headers["Set-Cookie"]

    # A Dash callback (the console's first render) and an API call, with the cookie, through the proxy.
    update = session.post(f"{stack.url}/_dash-update-component", json=router_body("/duty", f"?school={SCHOOL}"),
                          headers={"Origin": stack.url})
    assert update.status_code == 200 and "duty" in update.text, update.text[:300]
    me = session.get(f"{stack.url}/api/v1/me")
    assert me.status_code == 200 and me.json()["username"] == "zhang" and me.json()["schools"] == [SCHOOL]
    # Another site's page still cannot write, behind the proxy as without it.
    forged = session.post(f"{stack.url}/_dash-update-component", json=router_body("/duty", ""),
                          headers={"Origin": "https://evil.example"})
    assert forged.status_code == 403


def test_a_client_cannot_choose_the_address_the_sign_in_limits_count(stack, redis_client):
    # A script at one address guesses, each time claiming another address; the proxy replaces the
    # claim with the address that connected, so the guesses add up to the limit for that address.
    for n in range(20):
        guess = sign_in(stack, stack.session("127.0.0.2"), f"nobody{n}", "not the password",
                        **{"X-Forwarded-For": f"203.0.113.{n + 1}", "X-Real-IP": f"203.0.113.{n + 1}"})
        assert guess.status_code == 401, (n, guess.status_code)
    limited = sign_in(stack, stack.session("127.0.0.2"), "zhang", PASSWORD, **{"X-Forwarded-For": "198.51.100.1"})
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
    # Someone at another address, behind the same proxy, is not locked out with it ...
    colleague = sign_in(stack, stack.session("127.0.0.3"), "zhang", PASSWORD)
    assert colleague.status_code == 303
    # ... and the ledger records where they really are.
    engine = sql_engine(stack.settings)
    try:
        with sql_sessions(engine)() as db:
            assert db.scalars(select(UserSession.ip).order_by(UserSession.id.desc())).first() == "127.0.0.3"
    finally:
        engine.dispose()


def test_plain_http_goes_to_https(stack):
    response = stack.session().get(f"{stack.http_url}/duty?school={SCHOOL}", allow_redirects=False)
    assert response.status_code == 301
    assert response.headers["Location"] == f"{stack.url}/duty?school={SCHOOL}"


def test_bundles_are_gzipped_and_body_limits_fit_each_route(stack, redis_client):
    session = stack.session()
    # plotly.js, as dcc.Graph loads it: 4.7 MB, a fraction of it on the wire.
    bundle = session.get(f"{stack.url}/_dash-component-suites/plotly/package_data/plotly.min.js",
                         headers={"Accept-Encoding": "gzip"}, stream=True)
    on_the_wire = len(bundle.raw.read(decode_content=False))
    assert bundle.status_code == 200 and bundle.headers.get("Content-Encoding") == "gzip", bundle.headers
    assert on_the_wire < 2_000_000

    # A batch of 1,000 events of up to 16 kB gets through to the events route: the app answers it
    # (with its own headers, and its own limit: EVENTS_API_MAX_BYTES, a 413 of its own), never
    # nginx. (A refusal before reading, e.g. 401 for no key, once came out as nginx's 502:
    # dashboard/proxies.py.)
    batch = b'{"events": [' + b",".join([b'"' + b"x" * 16_000 + b'"'] * 1000) + b"]}"
    taken = session.post(f"{stack.url}/api/v1/events", data=batch, headers={"Content-Type": "application/json"})
    assert "Content-Security-Policy" in taken.headers and taken.status_code != 502, \
        (taken.status_code, stack.proxy_log.read_text()[-1500:])
    # ... a bigger one, and a big body anywhere else, are refused at the proxy.
    too_big = session.post(f"{stack.url}/api/v1/events", data=b"x" * 18_000_000)
    assert too_big.status_code == 413 and "Content-Security-Policy" not in too_big.headers
    refused = session.post(f"{stack.url}/_dash-update-component", data=b"x" * 3_000_000)
    assert refused.status_code == 413 and "Content-Security-Policy" not in refused.headers
    # A phone's photo (issue 15) reaches the app, which says what it thinks of it; a body beyond any photo does not.
    photo = session.post(f"{stack.url}/photos", data=b"x" * 15_000_000)
    assert photo.status_code != 413 and "Content-Security-Policy" in photo.headers, photo.status_code
    too_big = session.post(f"{stack.url}/photos", data=b"x" * 23_000_000)
    assert too_big.status_code == 413 and "Content-Security-Policy" not in too_big.headers


def test_a_trial_without_a_certificate_gets_a_self_signed_one(stack):
    prefix = scratch_prefix()
    proxy = None
    try:
        proxy, https_port, _, log = start_proxy(stack.nginx, prefix, prefix / "tls", stack.settings.web_port)
        made = prefix / "tls" / "tls.crt"
        assert made.exists() and (prefix / "tls" / "tls.key").stat().st_mode & 0o077 == 0  # the key is private
        session = stack.session()
        session.verify = str(made)  # trusted by hand, as a trial's users do
        assert session.get(f"https://127.0.0.1:{https_port}/login").status_code == 200
    finally:
        if proxy is not None:
            stop(proxy)
        shutil.rmtree(prefix, ignore_errors=True)
        Path(f"{prefix}.log").unlink(missing_ok=True)


@pytest.mark.browser
def test_chromium_signs_in_through_the_proxy_and_draws_the_console(stack, browser, redis_client):  # noqa: F811
    # Chromium does not know the test's CA: certificate errors are waved through here (the
    # requests above verified the chain); the cookie is Secure and the scheme https all the same.
    context = browser.new_context(ignore_https_errors=True)
    try:
        page = context.new_page()
        refused = []
        page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
        page.goto(f"{stack.url}/duty?school={SCHOOL}")
        page.wait_for_url("**/login?next=**")
        page.fill("#username", "zhang")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{stack.url}/duty?school={SCHOOL}", timeout=15_000)
        page.wait_for_selector(".duty", timeout=20_000)
        cookies = {c["name"]: c for c in context.cookies()}
        assert cookies["campus_session"]["secure"] and cookies["campus_session"]["httpOnly"]
        assert refused == []
    finally:
        context.close()
