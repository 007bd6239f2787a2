from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "anju.inspections"
    verbose_name = "排查"
