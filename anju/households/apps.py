from django.apps import AppConfig


class HouseholdsConfig(AppConfig):
    name = "anju.households"
    verbose_name = "农户与房屋"
