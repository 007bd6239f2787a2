from django.apps import AppConfig


class DynamicConfig(AppConfig):
    name = "anju.dynamic"
    verbose_name = "动态保障（一般户去向、突发严重困难户）"

    def ready(self) -> None:
        from anju.cases import extensions
        from anju.core.queues import register_queue
        from anju.dynamic import selectors
        from anju.dynamic.queues import dynamic_queue

        # A household registered as 突发严重困难户 opens its case as 动态新增 (ADR 0035).
        extensions.register_origin(selectors.hardship_origin)
        register_queue(dynamic_queue)
