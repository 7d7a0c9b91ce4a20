from django.apps import AppConfig

from .audit import AuditAction


class RotationConfig(AppConfig):
    name = "rotation"
    verbose_name = "轮岗交流"

    def ready(self):
        # cycle: apps.py loads before the app registry; core.audit, the reminders and the tasks import models,
        # which need it ready. reminders registers the secondment-end source with documents; tasks registers the
        # Celery tasks with the app, so services can enqueue them by name (core.jobs) in every process.
        from core.audit import register_actions

        from . import reminders, tasks, todos  # noqa: F401

        register_actions(AuditAction)
