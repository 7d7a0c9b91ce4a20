"""Celery beat entries of the documents app; settings use them as
``CELERY_BEAT_SCHEDULE = {**CELERY_BEAT_SCHEDULE, **documents.schedule.BEAT_SCHEDULE}``."""
from celery.schedules import crontab

BEAT_SCHEDULE = {
    "documents-daily-reminders": {
        "task": "documents.send_daily_reminders",
        "schedule": crontab(hour=7, minute=30),
    },
}
