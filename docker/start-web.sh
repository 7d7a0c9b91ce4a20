#!/bin/sh
# Web: apply migrations (idempotent; the worker and beat wait for this service to be healthy), then gunicorn.
set -eu

python manage.py migrate --noinput
python manage.py shell -c "from core.roles import ensure_groups; ensure_groups()"

# 12 sync workers by default (GUNICORN_WORKERS): a request waits for a free worker, so with fewer workers than
# requests in flight a 4 ms ballot queues behind report pages; with one each, the kernel shares the CPU and short
# requests finish first. The app is preloaded (config/gunicorn.py), so a worker costs about 65 MB of its own.
# config/gunicorn.py: the access log without query strings or user agents, 身份证号 masked, and no line for the
# ballot pages and API (a vote's time and address are never written down).
exec gunicorn config.wsgi:application \
    --config python:config.gunicorn \
    --bind 0.0.0.0:8000 \
    --workers "${GUNICORN_WORKERS:-12}" \
    --timeout "${GUNICORN_TIMEOUT:-120}" \
    --access-logfile - \
    --error-logfile -
