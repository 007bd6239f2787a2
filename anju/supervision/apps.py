from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "anju.supervision"
    verbose_name = "督导检查"

    def ready(self) -> None:
        from anju.cases import extensions
        from anju.core.queues import register_queue
        from anju.supervision import selectors
        from anju.supervision.queues import order_queue

        extensions.register_panel("supervision_panel", selectors.case_panel)
        register_queue(order_queue)
