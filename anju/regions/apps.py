from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "anju.regions"
    verbose_name = "行政区划"

    def ready(self) -> None:
        from anju.regions import handlers  # noqa: F401  (registers the divisions import job)
