from django.apps import AppConfig


class AppraisalsConfig(AppConfig):
    name = "anju.appraisals"
    verbose_name = "鉴定"

    def ready(self) -> None:
        from anju.appraisals.queues import appraiser_queue
        from anju.core.queues import register_queue

        register_queue(appraiser_queue)
