from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "anju.cases"
    verbose_name = "改造案件"

    def ready(self) -> None:
        # Households under watch (renovated, left the key groups) join every campaign's
        # 以人找房: the inspections app owns the registry, so it needs to know nothing of cases.
        from anju.cases.photos import register_sources
        from anju.cases.queues import case_queue
        from anju.cases.selectors import decision_page_case
        from anju.cases.watch import campaign_watch
        from anju.core.queues import register_queue
        from anju.eligibility.extensions import register_decision_extra
        from anju.inspections.selectors import register_coverage

        register_coverage(campaign_watch)
        register_decision_extra(decision_page_case)
        register_queue(case_queue)
        register_sources()
