from django.apps import AppConfig


class AnomaliesConfig(AppConfig):
    name = "anju.anomalies"
    verbose_name = "异常核查"

    def ready(self) -> None:
        from anju.anomalies import handlers  # noqa: F401  (register the job)
