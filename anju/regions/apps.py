from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "anju.regions"
    verbose_name = "行政区划"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from anju.regions import handlers  # noqa: F401  (registers the divisions import job)
        from anju.regions.models import Region
        from anju.regions.selectors import picker_forget_on_commit

        # A division saved or deleted: this process's region pickers are worked out again.
        post_save.connect(picker_forget_on_commit, sender=Region, dispatch_uid="regions.picker_forget.save")
        post_delete.connect(picker_forget_on_commit, sender=Region, dispatch_uid="regions.picker_forget.delete")
