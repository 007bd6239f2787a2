"""Deploy checks (`manage.py check --deploy`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def secret_key_set(app_configs: Any, **kwargs: Any) -> list[Error]:
    if settings.ANJU_INSECURE_KEY and not settings.DEBUG:
        return [Error("DJANGO_SECRET_KEY is not set.", hint="See docs/operations.md.", id="anju.E001")]
    return []
