from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "anju.cases"
    verbose_name = "改造案件"
