from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "anju.jobs"
    verbose_name = "后台任务"

    def ready(self) -> None:
        from anju.jobs import handlers  # noqa: F401  (registers job kinds)
