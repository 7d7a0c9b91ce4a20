from django.apps import AppConfig

from .audit import AuditAction


class CadreConfig(AppConfig):
    name = "cadre"
    verbose_name = "干部档案"

    def ready(self):
        # after every app is loaded: core.audit and the tasks import models. tasks registers the Celery tasks
        # with the app, so services can start them by name (core.jobs) in every process.
        from core.audit import register_actions

        from . import tasks, todos  # noqa: F401

        register_actions(AuditAction)
