from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "anju.dashboard"
    verbose_name = "动态清零看板"

    def ready(self) -> None:
        from anju.cases import extensions
        from anju.dashboard import handlers, receivers, selectors  # noqa: F401  (register the listeners and the job)

        extensions.register_panel("dashboard_panel", selectors.case_panel)
