from django.apps import AppConfig


class HomeConfig(AppConfig):
    """The home page ("my work"): the top layer, which shows every app's work for the user."""

    name = "anju.home"
    verbose_name = "工作台"
