from django.apps import AppConfig


class HouseholdsConfig(AppConfig):
    name = "anju.households"
    verbose_name = "农户与房屋"

    def ready(self) -> None:
        from anju.households import handlers  # noqa: F401  (registers the list preview and commit jobs)
