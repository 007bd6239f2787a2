from django.apps import AppConfig


class SubsidiesConfig(AppConfig):
    name = "anju.subsidies"
    verbose_name = "补助资金"
