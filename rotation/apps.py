from django.apps import AppConfig


class RotationConfig(AppConfig):
    name = "rotation"
    verbose_name = "轮岗交流"

    def ready(self):
        # reminders: registers the secondment-end reminder source with documents; tasks: registers the Celery
        # tasks with the app, so that services can enqueue them by name (core.jobs) in every process.
        from . import reminders, tasks  # noqa: F401  # cycle: app registry -> rotation.apps -> rotation.models (not loaded yet)
