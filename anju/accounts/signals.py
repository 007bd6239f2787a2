"""Signals the accounts app listens to: django-axes announces a lockout only through its signal (the
rule itself is a service); a sign-in starts the session's idle clock."""

from __future__ import annotations

import time
from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver


@receiver(user_locked_out, dispatch_uid="anju.accounts.revoke_tokens_on_lockout")
def revoke_tokens_on_lockout(sender: Any, username: str | None = None, **kwargs: Any) -> None:
    from anju.accounts.services import api_tokens_revoke_on_lockout

    if username:
        api_tokens_revoke_on_lockout(username=username)


@receiver(user_logged_in, dispatch_uid="anju.accounts.session_touched_at_login")
def session_touched_at_login(sender: Any, request: Any = None, **kwargs: Any) -> None:
    """A sign-in writes the session anyway: it counts as the idle timeout's first write, so the
    next request does not write it again (accounts.middleware.SessionTouchMiddleware)."""
    from anju.accounts.middleware import TOUCHED

    session = getattr(request, "session", None)
    if session is not None:
        session[TOUCHED] = int(time.time())
