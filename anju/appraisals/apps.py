from django.apps import AppConfig


class AppraisalsConfig(AppConfig):
    name = "anju.appraisals"
    verbose_name = "鉴定"
