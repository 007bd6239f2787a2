from django.apps import AppConfig


class AcceptanceConfig(AppConfig):
    name = "anju.acceptance"
    verbose_name = "竣工验收"

    def ready(self) -> None:
        from anju.acceptance import selectors
        from anju.acceptance.photos import register_sources
        from anju.cases import extensions

        # The case page's acceptance panel and what 销号 waits for (ADR 0025).
        extensions.register_panel("acceptance_panel", selectors.case_panel)
        extensions.register_close_blockers(selectors.case_close_blockers, order=10, closable=selectors.closable_cases)
        register_sources()
