from django.apps import AppConfig

from .audit import AuditAction


class AssessmentConfig(AppConfig):
    name = "assessment"
    verbose_name = "民主测评与考核"

    def ready(self):
        # cycle: apps.py loads before the app registry; core.audit imports core.models, which needs it ready.
        # tasks registers the Celery tasks (enqueued by name); demo answers core.signals.demo_seeded.
        from core.audit import register_actions
        from core.signals import demo_seeded

        from . import demo, tasks, todos  # noqa: F401 (todos registers the home-page items)

        register_actions(AuditAction)
        demo_seeded.connect(demo.on_demo_seeded, dispatch_uid="assessment-demo")
