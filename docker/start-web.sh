#!/bin/sh
# Web: apply migrations (idempotent; the worker and beat wait for this service to be healthy), then gunicorn.
set -eu

python manage.py migrate --noinput
python manage.py shell -c "from core.roles import ensure_groups; ensure_groups()"

# config/gunicorn.py: sync workers, two per core plus one unless GUNICORN_WORKERS says otherwise; the app
# preloaded, so a worker costs about 65 MB of its own; the access log without query strings or user agents,
# 身份证号 masked, and no line for the ballot pages and API (a vote's time and address are never written down).
exec gunicorn config.wsgi:application \
    --config python:config.gunicorn \
    --bind 0.0.0.0:8000 \
    --timeout "${GUNICORN_TIMEOUT:-120}" \
    --access-logfile - \
    --error-logfile -
