#!/bin/sh
# Celery worker: documents, imports, exports and other background jobs.
set -eu

exec celery -A config worker \
    --loglevel "${CELERY_LOG_LEVEL:-info}" \
    --concurrency "${CELERY_CONCURRENCY:-2}"
