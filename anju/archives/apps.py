from django.apps import AppConfig


class ArchivesConfig(AppConfig):
    name = "anju.archives"
    verbose_name = "一户一档"
