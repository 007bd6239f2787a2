from django.apps import AppConfig


class HouseholdsConfig(AppConfig):
    name = "anju.households"
    verbose_name = "农户与房屋"

    def ready(self) -> None:
        from anju.households import exports, handlers  # noqa: F401  (register the list jobs and the export sources)
