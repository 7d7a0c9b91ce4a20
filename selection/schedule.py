"""Celery beat entries of the selection app, merged into CELERY_BEAT_SCHEDULE in config/settings/base.py."""
from celery.schedules import crontab

BEAT_SCHEDULE = {
    # 报名截止 and 任前公示期满: automatic, idempotent transitions (selection.tasks.auto_transitions)
    "selection-auto-transitions": {
        "task": "selection.auto_transitions",
        "schedule": crontab(minute=5),  # hourly, so a window ending at midnight closes early the next day
    },
}
