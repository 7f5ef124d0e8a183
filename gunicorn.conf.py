"""gunicorn's settings for the web app, beside the command-line ones (`make run`, the Dockerfile).

Logs: the product's one logging set-up (kernel/logs.py) as `logconfig_dict`, so gunicorn's own
lines and the app's are one line per record, text or JSON (LOG_FORMAT), secrets redacted. The
access log leaves out query strings and referrers (a wall opens its address once with its access
token in the query; logs are read, kept and shipped more widely than tokens should be), and the
lines that would drown it: a wall screen's refresh every WALL_REFRESH_MS, the scripts and styles
of each page, and the health and metrics probes, when they succeed (dashboard/access_log.py).
Their time is in /metrics instead.

Metrics: prometheus-client keeps each worker's figures in files under PROMETHEUS_MULTIPROC_DIR
(var/prometheus unless set), which /metrics adds up. It reads that variable itself, when first
imported in a worker, so it is set here, in the master, before any worker starts; the folder is
emptied when gunicorn starts (figures of an earlier run are not this run's), and a dead worker's
live gauges are dropped when it exits (its counts stay: counters never go back).
"""
import gc
import os
import shutil
from pathlib import Path

from kernel import logs
from kernel.settings import ENV, PROJECT_ROOT, Settings

_settings = Settings.from_env()
METRICS_DIR = Path(_settings.prometheus_multiproc_dir or PROJECT_ROOT / "var" / "prometheus")
os.environ[ENV["prometheus_multiproc_dir"]] = str(METRICS_DIR)

# Threads, not processes alone: a school wall's stream (GET /wall/stream, issue 18) holds its
# connection for minutes, one thread each, while the other threads answer pages and callbacks.
# Measured against an async worker in docs/operations.md ("Workers for pushed walls").
worker_class = "gthread"
threads = _settings.web_threads
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(D)sus "%(a)s"'
logconfig_dict = logs.config("web", _settings)
logger_class = "dashboard.access_log.QuietAccessLogger"
# gunicorn 23+'s control socket defaults to one path per user ($HOME/.gunicorn/gunicorn.ctl), which
# every gunicorn of that user (tests, `make run`) would take from the others; nothing here uses it.
control_socket_disable = True


def on_starting(server):
    """Once, in the master, before the first worker: an empty folder for this run's figures."""
    if METRICS_DIR.exists():
        for entry in METRICS_DIR.iterdir():
            if entry.is_dir():
                shutil.rmtree(entry)
            else:
                entry.unlink()
    METRICS_DIR.mkdir(parents=True, exist_ok=True)


def post_worker_init(worker):
    """In each worker, once the app is loaded: everything loaded so far (modules, the Dash app, its
    layouts) moves out of the collector's reach (gc.freeze). A full collection then walks only what
    requests made since: measured on a province's league page (bench/rollup_province.py), a full
    collection in the middle of a request cost ~80 ms of a ~170 ms page without it, ~5 ms with it."""
    gc.freeze()


def child_exit(server, worker):
    """In the master, whenever a worker has exited (killed, timed out, restarted)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid, str(METRICS_DIR))
