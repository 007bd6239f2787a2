from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "anju.regions"
    verbose_name = "行政区划"
