"""Celery beat entries of the core app, merged into CELERY_BEAT_SCHEDULE by the settings."""
BEAT_SCHEDULE = {
    "core-fail-stuck-jobs": {"task": "core.fail_stuck_jobs", "schedule": 300.0},  # every 5 minutes
}
