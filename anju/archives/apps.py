from django.apps import AppConfig


class ArchivesConfig(AppConfig):
    name = "anju.archives"
    verbose_name = "一户一档"

    def ready(self) -> None:
        from anju.archives import receivers, selectors
        from anju.archives.photos import register_sources
        from anju.archives.queues import review_queue
        from anju.cases import extensions
        from anju.core.queues import register_queue

        extensions.register_panel("archives_panel", selectors.case_panel)
        extensions.register_close_blockers(selectors.case_close_blockers, order=20, closable=selectors.closable_cases)
        register_queue(review_queue)
        extensions.register_opened(receivers.file_appraisal_of_new_case)
        register_sources()
