# Production image: the web app by default; the consumer and the simulator run from the same image
# with another command (docker-compose.yml):
#   docker run IMAGE                                  # web app + API (gunicorn) on $WEB_PORT
#   docker run IMAGE python -m streams.consumer       # an aggregator
#   docker run IMAGE python -m streams.recorder       # the recorder (events -> SQL ledger)
#   docker run IMAGE python -m streams.notifier       # the notifier (the notification outbox -> WeCom, DingTalk …)
#   docker run IMAGE python -m ledger init-db         # migrate the SQL ledger (Alembic), one-shot
# The demo (the demo campus's ledger and the simulator) is a second target, `demo`, built on this one:
#   docker build --target demo -t campus-command-centre:demo .
#   docker run campus-command-centre:demo python -m demo seed       # migrate + load the demo campus
#   docker run campus-command-centre:demo python -m demo.simulator  # simulated campus days
# Same entry points as `make run` (devstack/local_stack.py).
FROM python:3.11-slim-bookworm AS product

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

# The handover report's PDF (ledger/handover_pdf.py, WeasyPrint): Pango and HarfBuzz lay the page
# out, fontconfig finds the Noto CJK fonts it embeds; nothing is fetched when a PDF is made.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk \
 && rm -rf /var/lib/apt/lists/*

# The production lock (requirements.lock; what only `make run` uses is in requirements-local.lock),
# every package with its hashes: pip installs exactly what was locked, or stops.
COPY requirements.lock ./
RUN pip install --no-deps --require-hashes -r requirements.lock \
 && pip check

# The product's code, package by package: not the demo (the `demo` target below adds it) nor make
# run's embedded stack; the product never imports either (the import contracts in pyproject.toml).
COPY alembic.ini gunicorn.conf.py pyproject.toml ./
COPY migrations/ migrations/
COPY assets/ assets/
COPY kernel/ kernel/
COPY ledger/ ledger/
COPY queries/ queries/
COPY layouts/ layouts/
COPY streams/ streams/
COPY dashboard/ dashboard/

# var/photos (PHOTO_DIR) and var/reports (REPORT_DIR) are made here, the process's own and closed to
# others: a new named volume mounted on one (docker-compose.yml `photos`, `reports`) starts with this
# owner and these permissions.
RUN useradd --system --uid 10001 --no-create-home --home-dir /app campus \
 && mkdir -p /app/var/photos /app/var/reports \
 && chown campus /app/var /app/var/photos /app/var/reports && chmod 700 /app/var/photos /app/var/reports
USER campus

# Production sits behind TLS: the session cookie is sent over HTTPS only (COOKIE_SECURE, README).
ENV WEB_HOST=0.0.0.0 WEB_PORT=8050 WEB_WORKERS=2 COOKIE_SECURE=on
EXPOSE 8050
# gunicorn.conf.py keeps query strings (a wall's first request carries its token) out of the access log.
CMD ["sh", "-c", "exec gunicorn --config gunicorn.conf.py --workers \"$WEB_WORKERS\" --bind \"$WEB_HOST:$WEB_PORT\" --access-logfile - 'dashboard.app:create_server()'"]

# The demo: the product image plus the demo package (demo campus, seed data, simulator).
FROM product AS demo
# COPY runs as root whatever USER says; the files stay root's and readable, the process stays campus.
COPY demo/ /app/demo/

# The default target (last): the product alone.
FROM product AS production
