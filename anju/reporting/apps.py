from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "anju.reporting"
    verbose_name = "报送与计划"
