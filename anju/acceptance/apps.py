from django.apps import AppConfig


class AcceptanceConfig(AppConfig):
    name = "anju.acceptance"
    verbose_name = "竣工验收"
