from django.apps import AppConfig


class CadreConfig(AppConfig):
    name = "cadre"
    verbose_name = "干部档案"
