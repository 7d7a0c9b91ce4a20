from django.apps import AppConfig

from .audit import AuditAction


class CadreConfig(AppConfig):
    name = "cadre"
    verbose_name = "干部档案"

    def ready(self):
        # cycle: apps.py loads before the app registry; core.audit imports core.models, which needs it ready
        from core.audit import register_actions

        register_actions(AuditAction)
