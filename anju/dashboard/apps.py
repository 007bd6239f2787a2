from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "anju.dashboard"
    verbose_name = "动态清零看板"
