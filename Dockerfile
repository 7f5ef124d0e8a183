# Production image: the web app by default; the consumer and the simulator run from the same image
# with another command (docker-compose.yml). Same entry points as `make run` (streams/local_stack.py).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

COPY requirements.lock ./
RUN pip install --no-deps -r requirements.lock

COPY dashboard ./dashboard
COPY streams ./streams
COPY layouts ./layouts
COPY queries ./queries
COPY assets ./assets

RUN useradd --system --uid 10001 --home /app campus && mkdir -p /app/var && chown campus /app/var
USER campus

EXPOSE 8050
ENV WEB_HOST=0.0.0.0 WEB_PORT=8050
HEALTHCHECK --interval=15s --timeout=3s CMD python -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:8050/healthz', timeout=2)" || exit 1
CMD ["sh", "-c", "exec gunicorn --workers ${WEB_WORKERS:-2} --bind ${WEB_HOST}:${WEB_PORT} --access-logfile - 'dashboard.app:create_server()'"]
