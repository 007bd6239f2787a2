from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "anju.cases"
    verbose_name = "改造案件"

    def ready(self) -> None:
        # Households under watch (renovated, left the key groups) join every campaign's
        # 以人找房: the inspections app owns the registry, so it needs to know nothing of cases.
        from anju.cases.watch import campaign_watch
        from anju.inspections.selectors import register_coverage

        register_coverage(campaign_watch)
