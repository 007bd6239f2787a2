from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "anju.core"
    verbose_name = "基础"
