from django.apps import AppConfig


class EligibilityConfig(AppConfig):
    name = "anju.eligibility"
    verbose_name = "保障资格认定"

    def ready(self) -> None:
        from anju.eligibility import handlers, receivers  # noqa: F401  (register the listener and the job)
