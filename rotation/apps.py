from django.apps import AppConfig


class RotationConfig(AppConfig):
    name = "rotation"
    verbose_name = "轮岗交流"

    def ready(self):
        from . import reminders  # noqa: F401  registers the secondment-end reminder source with documents
