from django.apps import AppConfig


class LedgersConfig(AppConfig):
    name = "anju.ledgers"
    verbose_name = "台账"

    def ready(self) -> None:
        from anju.ledgers import handlers  # noqa: F401  (registers the export job)
