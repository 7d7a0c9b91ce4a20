#!/bin/sh
# Celery beat: periodic tasks (reminders); the schedule file lives in a writable directory of the image.
set -eu

exec celery -A config beat \
    --loglevel "${CELERY_LOG_LEVEL:-info}" \
    --schedule /app/run/celerybeat-schedule \
    --pidfile=
