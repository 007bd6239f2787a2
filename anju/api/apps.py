from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "anju.api"
    verbose_name = "接口"
