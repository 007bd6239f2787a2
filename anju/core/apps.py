from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "anju.core"
    verbose_name = "基础"

    def ready(self) -> None:
        from anju.core import (
            checks,  # noqa: F401  (deploy checks)
            dbops,  # noqa: F401  (the __any lookup)
            images,  # noqa: F401  (Pillow's pixel limit for every image opened)
        )
