from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "anju.accounts"
    verbose_name = "用户与角色"

    def ready(self) -> None:
        from anju.accounts import ratelimit, signals  # noqa: F401
