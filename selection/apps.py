from django.apps import AppConfig

from .audit import AuditAction


class SelectionConfig(AppConfig):
    name = "selection"
    verbose_name = "竞争上岗"

    def ready(self):
        # after every app is loaded: these modules import models. reminders registers the 竞争上岗 reminder
        # sources with documents.reminders; tasks registers the Celery tasks with the app, so services can enqueue
        # them by name (core.jobs) in every process; demo answers core.signals.demo_seeded.
        from core.audit import register_actions
        from core.signals import demo_seeded

        from . import demo, reminders, tasks, todos  # noqa: F401

        register_actions(AuditAction)
        demo_seeded.connect(demo.on_demo_seeded, dispatch_uid="selection-demo")
