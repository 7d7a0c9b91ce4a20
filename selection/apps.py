from django.apps import AppConfig


class SelectionConfig(AppConfig):
    name = "selection"
    verbose_name = "竞争上岗"

    def ready(self):
        # registers the 竞争上岗 reminder sources with documents.reminders
        from core.signals import demo_seeded

        from . import demo, reminders  # noqa: F401

        demo_seeded.connect(demo.on_demo_seeded, dispatch_uid="selection-demo")
