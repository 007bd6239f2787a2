from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "anju.reporting"
    verbose_name = "报送与计划"

    def ready(self) -> None:
        from anju.cases import extensions
        from anju.inspections import rules
        from anju.reporting import selectors, services

        extensions.register_panel("reporting_panel", selectors.case_panel)
        rules.register_list_due(services.village_list_due)
        extensions.register_task_kind(services.task_kind_for)
