from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "系统基础"

    def ready(self):
        # cycle: todos registers core's own home-page items and imports the models, which need the registry ready
        from . import todos  # noqa: F401
