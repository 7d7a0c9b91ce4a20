#!/bin/sh
# Common entry for web, worker and beat: fail fast on missing configuration, then run the service's command.
set -eu

for var in DJANGO_SETTINGS_MODULE DATABASE_URL REDIS_URL DJANGO_SECRET_KEY ASSESSMENT_BALLOT_HMAC_KEY DJANGO_ALLOWED_HOSTS; do
    eval "value=\${$var:-}"
    if [ -z "$value" ]; then
        echo "缺少环境变量 $var" >&2
        exit 1
    fi
done

exec "$@"
