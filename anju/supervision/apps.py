from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "anju.supervision"
    verbose_name = "督导检查"
