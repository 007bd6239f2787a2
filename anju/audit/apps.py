from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "anju.audit"
    verbose_name = "审计日志"

    def ready(self) -> None:
        from anju.audit import receivers  # noqa: F401  (login/logout events)
