from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "anju.inspections"
    verbose_name = "排查"

    def ready(self) -> None:
        from anju.core.queues import register_queue
        from anju.inspections import receivers  # noqa: F401  (closes referrals a department list answers)
        from anju.inspections.photo_sources import register_sources
        from anju.inspections.queues import inspection_queue

        register_queue(inspection_queue)
        register_sources()
