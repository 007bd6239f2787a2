from django.apps import AppConfig


class PhotochecksConfig(AppConfig):
    name = "anju.photochecks"
    verbose_name = "照片核验"
