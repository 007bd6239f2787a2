from django.apps import AppConfig


class SubsidiesConfig(AppConfig):
    name = "anju.subsidies"
    verbose_name = "补助资金"

    def ready(self) -> None:
        from anju.cases import extensions
        from anju.subsidies import selectors

        extensions.register_panel("subsidies_panel", selectors.case_panel)
        extensions.register_close_blockers(selectors.case_close_blockers, order=30, closable=selectors.closable_cases)
        extensions.register_paid_total(selectors.paid_total)
