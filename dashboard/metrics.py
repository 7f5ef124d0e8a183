"""GET /metrics: the command centre's figures in Prometheus's text format (docs/operations.md).

Who may read them: a scraper sending `Authorization: Bearer <METRICS_TOKEN>`, or one whose address
is in METRICS_ALLOW; nobody when neither is set. The access guard (dashboard/access.py) asks
`refusal()` before anything else, since a scraper is no principal of the ledger's.

Where the figures come from:
- the web app's own (request time by route, sign-in failures) are prometheus-client metrics of
  each process; under gunicorn in multiprocess mode (PROMETHEUS_MULTIPROC_DIR, set and cleaned by
  gunicorn.conf.py), so one scrape adds up every worker's, the dead ones' counts included;
- the stream processes' (events consumed, applied, dead-lettered by reason, batch time, lag per
  partition, heartbeats) and the open wall screens are read from Redis at scrape time by
  `CampusCollector`: those processes write them there with their checkpoints
  (streams/stream_metrics.py), so one scrape target covers every replica, and none of them
  needs a port, a listener or a credential of its own.

Request time is labelled by the route's rule (`/api/v1/schools/<school>/summary`), never the
path asked for, so ids and school codes cannot make a label set without end; Dash's two dispatch
routes add the page they serve (`/_dash-update-component [wall]`), a name from the app's own
table. Sign-in failures are counted by reason, never by username.
"""
from __future__ import annotations

import hmac
import ipaddress
import logging
import time

from flask import Blueprint, Flask, Response, current_app, g, jsonify, request

from dashboard import health, wall_sync
from dashboard.services import Services
from kernel import contract
from kernel.settings import Settings
from ledger.commands import recording
from queries import stream_health

EXTENSION = "campus.metrics"
log = logging.getLogger(__name__)
REQUEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
SIGNIN_REASONS = ("bad_credentials", "rate_limited", "form_expired", "ledger_unavailable")
# Every reason each consumer can dead-letter for, shown at 0 before the first: a rate over a
# series that appears only with its first letter would miss that letter.
DEAD_LETTER_REASONS = {
    "aggregator": contract.REASONS,
    "recorder": (recording.ILLEGAL_TRANSITION, recording.UNKNOWN_HAZARD, recording.UNKNOWN_ALERT,
                 recording.UNKNOWN_CAMPAIGN_ITEM, recording.UNKNOWN_UNIT, recording.INVALID_DEDUCTION,
                 recording.WORKED_IN_PRODUCT,
                 contract.PROCESSING_ERROR),
}
CALLBACK_RULE = "/_dash-update-component"
# A client chooses the method it sends: any other is "other", or it could make label sets at will.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
PAGE_RULES = ("/", "/<path:path>")

blueprint = Blueprint("metrics", __name__)


class WebMetrics:
    """The metrics of one app. prometheus-client is imported here, in the factory, never at
    import: it reads PROMETHEUS_MULTIPROC_DIR once, when first imported."""

    def __init__(self, settings: Settings, live: Services):
        from prometheus_client import CollectorRegistry, Counter, Histogram, values

        self.settings = settings
        self.networks = settings.metrics_networks
        self.multiprocess = bool(getattr(values.ValueClass, "_multiprocess", False))
        if self.multiprocess and not settings.prometheus_multiproc_dir:
            raise RuntimeError("prometheus-client is in multiprocess mode, PROMETHEUS_MULTIPROC_DIR is empty")
        # One process (tests, the dev server): this app's own registry. Several (gunicorn): each
        # process writes its files, and a scrape reads them all into a registry of its own.
        self.registry = None if self.multiprocess else CollectorRegistry()
        self.requests = Histogram(
            "campus_web_request_seconds",
            "Time to answer a web request, by route rule, method and status class",
            ["route", "method", "status"], buckets=REQUEST_BUCKETS, registry=self.registry)
        self.signin_failures = Counter(
            "campus_signin_failures", "Sign-ins refused, by reason (never by username)", ["reason"],
            registry=self.registry)
        for reason in SIGNIN_REASONS:
            self.signin_failures.labels(reason)
        self.collector = CampusCollector(settings, live)
        if self.registry is not None:
            self.registry.register(self.collector)

    def exposition(self) -> bytes:
        from prometheus_client import CollectorRegistry, generate_latest
        from prometheus_client.multiprocess import MultiProcessCollector

        registry = self.registry
        if registry is None:
            registry = CollectorRegistry()
            MultiProcessCollector(registry, path=self.settings.prometheus_multiproc_dir)
            registry.register(self.collector)
        return generate_latest(registry)


# ---- who may scrape ---------------------------------------------------------------------------

def scraper_refusal(settings: Settings, networks: tuple, remote_addr: str | None,
                    authorization: str) -> tuple[int, str] | None:
    """None when the scraper may read the metrics, else (status, why). A token sent must be the
    right one, wherever it comes from: a client that sends a wrong one hears so."""
    if not settings.metrics_token and not networks:
        return 403, "metrics are not enabled: set METRICS_TOKEN or METRICS_ALLOW"
    scheme, _, given = authorization.partition(" ")
    given = given.strip()
    if scheme.lower() == "bearer" and given:
        if settings.metrics_token and hmac.compare_digest(given.encode(), settings.metrics_token.encode()):
            return None
        return 401, "the metrics token is not valid"
    if networks and remote_addr and _in_networks(remote_addr, networks):
        return None
    if settings.metrics_token:
        return 401, "a metrics token is needed: Authorization: Bearer <METRICS_TOKEN>"
    return 403, "this address may not read the metrics (METRICS_ALLOW)"


def _in_networks(address: str, networks: tuple) -> bool:
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return any(ip.version == net.version and ip in net for net in networks)


def refusal() -> Response | None:
    """For the access guard: None to let this request in, else the refusal to send."""
    found: WebMetrics = current_app.extensions[EXTENSION]
    refused = scraper_refusal(found.settings, found.networks, request.remote_addr,
                              request.headers.get("Authorization", ""))
    if refused is None:
        return None
    status, why = refused
    response = jsonify({"error": why})
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="metrics"'
    return response


@blueprint.get("/metrics")
def metrics():
    found: WebMetrics = current_app.extensions[EXTENSION]
    from prometheus_client import CONTENT_TYPE_LATEST

    response = Response(found.exposition(), status=200)
    response.headers["Content-Type"] = CONTENT_TYPE_LATEST
    response.headers["Cache-Control"] = "no-store"
    return response


# ---- what each request adds -----------------------------------------------------------------------

def route_label() -> str:
    """The rule the request matched (never its path); Dash's page and callback routes with the
    page they serve."""
    rule = request.url_rule
    if rule is None:
        return "unmatched"
    from dashboard.access import EXTENSION as ACCESS
    from dashboard.access import ROUTER_OUTPUT

    access = current_app.extensions.get(ACCESS)
    if access is None:
        return rule.rule
    if rule.rule == CALLBACK_RULE:
        try:
            body = request.get_json(silent=True)
        except Exception:  # noqa: BLE001 - a body too deep to parse: the guard answered it already
            body = None
        output = body.get("output") if isinstance(body, dict) else None
        page = "router" if output == ROUTER_OUTPUT else access.callback_pages.get(output) \
            if isinstance(output, str) else None
        return f"{rule.rule} [{page or 'unknown'}]"
    if rule.rule in PAGE_RULES:
        return f"{rule.rule} [{access.page_name(request.path) or 'no page'}]"
    return rule.rule


def _started() -> None:
    g.metrics_started = time.perf_counter()


def _answered(response: Response) -> Response:
    started = g.pop("metrics_started", None)
    if started is not None:
        found: WebMetrics = current_app.extensions[EXTENSION]
        try:
            method = request.method if request.method in METHODS else "other"
            found.requests.labels(route_label(), method, f"{response.status_code // 100}xx") \
                .observe(time.perf_counter() - started)
        except Exception:  # noqa: BLE001 - a figure must never cost the answer
            log.exception("could not count a request")
    return response


def signin_failed(reason: str) -> None:
    """dashboard/login/: a sign-in refused, for one of SIGNIN_REASONS."""
    found: WebMetrics | None = current_app.extensions.get(EXTENSION)
    if found is not None and reason in SIGNIN_REASONS:
        found.signin_failures.labels(reason).inc()


def install(server: Flask, settings: Settings, live: Services) -> WebMetrics:
    """Before the access guard is installed, so the clock starts before the guard's own work."""
    found = WebMetrics(settings, live)
    server.extensions[EXTENSION] = found
    server.before_request(_started)
    server.after_request(_answered)
    server.register_blueprint(blueprint)
    return found


# ---- the figures in Redis -----------------------------------------------------------------------

class CampusCollector:
    """Reads, at scrape time, what the stream processes and wall screens keep in Redis, and
    whether Redis and the ledger answer."""

    def __init__(self, settings: Settings, live: Services):
        self.settings = settings
        self.live = live

    def describe(self):
        return []  # nothing is read when the collector is registered: only when scraped

    def collect(self):
        from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily

        s = self.settings
        now_ms = int(time.time() * 1000)
        up = GaugeMetricFamily("campus_part_up", "1 when the part answers this web process, else 0",
                               labels=["part"])
        redis_up = health.redis_state(self.live)["status"] == health.OK
        up.add_metric(["redis"], 1.0 if redis_up else 0.0)
        up.add_metric(["ledger"], 1.0 if health.ledger_state(self.live)["status"] == health.OK else 0.0)
        yield up
        if not redis_up:
            return
        groups = {"aggregator": s.consumer_group, "recorder": s.recorder_group}
        try:
            figures = {name: stream_health.read_group(self.live.redis, group, s.events_topic)
                       for name, group in groups.items()}
            screens = stream_health.open_wall_screens(self.live.redis, now_ms,
                                                      wall_sync.open_within_ms(s.wall_refresh_ms))
        except Exception as exc:  # noqa: BLE001 - Redis went away mid-scrape: the parts above say so
            log.warning("stream figures unreadable (%s)", type(exc).__name__)
            return
        consumed = CounterMetricFamily("campus_stream_events_consumed",
                                       "Events read from Kafka by the consumer group", labels=["consumer"])
        applied = CounterMetricFamily("campus_stream_events_applied",
                                      "Events whose effect landed (aggregates in Redis; rows in the ledger)",
                                      labels=["consumer"])
        dead = CounterMetricFamily("campus_stream_events_dead_lettered",
                                   "Events sent to the dead-letter topic, by reason (counted once each)",
                                   labels=["consumer", "reason"])
        batches = HistogramMetricFamily("campus_stream_batch_seconds",
                                        "Time to process one partition's batch, from validation to landed",
                                        labels=["consumer"])
        lag = GaugeMetricFamily("campus_stream_lag_messages",
                                "Messages of the partition not yet applied, as its reader last measured",
                                labels=["consumer", "partition"])
        lag_at = GaugeMetricFamily("campus_stream_lag_measured_timestamp_seconds",
                                   "When the partition's lag was last measured (epoch seconds)",
                                   labels=["consumer", "partition"])
        alive = GaugeMetricFamily("campus_stream_processes_alive",
                                  "Processes of the group whose heartbeat is within HEARTBEAT_STALE_SECONDS",
                                  labels=["consumer"])
        beat = GaugeMetricFamily("campus_stream_heartbeat_age_seconds",
                                 "Seconds since the group's most recent heartbeat", labels=["consumer"])
        for name, found in figures.items():
            consumed.add_metric([name], found.consumed)
            applied.add_metric([name], found.applied)
            reasons = dict.fromkeys(DEAD_LETTER_REASONS[name], 0) | found.dead_letters
            for reason, count in sorted(reasons.items()):
                dead.add_metric([name, reason], count)
            batches.add_metric([name], found.cumulative_buckets(), found.batch_sum)
            for partition, (behind, at_ms) in sorted(found.lag.items()):
                lag.add_metric([name, str(partition)], behind)
                lag_at.add_metric([name, str(partition)], at_ms / 1000)
            alive.add_metric([name], len(found.alive(now_ms, s.heartbeat_stale_seconds)))
            age = found.last_heartbeat_age(now_ms)
            if age is not None:
                beat.add_metric([name], age)
        yield from (consumed, applied, dead, batches, lag, lag_at, alive, beat)
        yield GaugeMetricFamily("campus_wall_screens_open",
                                "Wall screens that asked for changes within three refreshes", value=screens)
