from django.apps import AppConfig

from .audit import AuditAction


class AssessmentConfig(AppConfig):
    name = "assessment"
    verbose_name = "民主测评与考核"

    def ready(self):
        # cycle: apps.py loads before the app registry; core.audit imports core.models, which needs it ready
        from core.audit import register_actions

        from . import todos  # noqa: F401 (registers the home-page items)

        register_actions(AuditAction)
