from django.apps import AppConfig


class TownshipConfig(AppConfig):
    name = "anju.township"
    verbose_name = "乡镇职责"

    def ready(self) -> None:
        from anju.acceptance import extensions as acceptance_extensions
        from anju.cases import extensions
        from anju.core.queues import register_queue
        from anju.township import selectors
        from anju.township.queues import team_task_queue

        # The case page shows a traditional house's protection requirements, and its acceptance
        # checklist adds their items (issue 22, ADR 0044).
        extensions.register_panel("township_panel", selectors.case_panel)
        acceptance_extensions.register_extra_items(selectors.protection_items_for_case)
        register_queue(team_task_queue)
