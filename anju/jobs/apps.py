from django.apps import AppConfig


class JobsConfig(AppConfig):
    """Background jobs. Each app registers its own job kinds (``registry.job_handler``) from its
    AppConfig.ready, so the worker knows them without this app importing any of them."""

    name = "anju.jobs"
    verbose_name = "后台任务"

    def ready(self) -> None:
        from anju.jobs import exports  # noqa: F401  (registers the background export job)
        from anju.jobs.metrics import register_collectors

        register_collectors()
