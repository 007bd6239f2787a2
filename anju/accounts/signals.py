"""django-axes announces a lockout only through its signal; the rule itself is a service."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.dispatch import receiver


@receiver(user_locked_out, dispatch_uid="anju.accounts.revoke_tokens_on_lockout")
def revoke_tokens_on_lockout(sender: Any, username: str | None = None, **kwargs: Any) -> None:
    from anju.accounts.services import api_tokens_revoke_on_lockout

    if username:
        api_tokens_revoke_on_lockout(username=username)
