from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "anju.supervision"
    verbose_name = "督导检查"

    def ready(self) -> None:
        from anju.cases import extensions
        from anju.supervision import selectors

        extensions.register_panel("supervision_panel", selectors.case_panel)
