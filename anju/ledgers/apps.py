from django.apps import AppConfig


class LedgersConfig(AppConfig):
    name = "anju.ledgers"
    verbose_name = "台账"
