"""The acting user, as the apps below ``accounts`` see it.

``core``, ``audit``, ``jobs``, ``kit`` and ``regions`` sit below ``accounts`` (ADR 0025), so they
may not import the user model; they type whoever acts by what they use of them: ``Actor``. The
user model (``anju.accounts.models.User``) satisfies it, and domain apps take ``User`` itself.
Read-only properties, so that a model field (``Region | None``) matches a narrower protocol type.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, TypeAlias

from django.core.exceptions import PermissionDenied

if TYPE_CHECKING:
    # Not at import time: model modules import this one while the app registry is loading.
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpRequest
    from rest_framework.request import Request


class ActorRegion(Protocol):
    """The region an actor belongs to: its code, name and the code prefix of its subtree."""

    @property
    def code(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def prefix(self) -> str: ...


class Actor(Protocol):
    """A signed-in user: who they are, whether they are active, their region and roles."""

    @property
    def pk(self) -> Any: ...

    @property
    def username(self) -> str: ...

    @property
    def is_superuser(self) -> bool: ...

    @property
    def is_authenticated(self) -> bool: ...

    @property
    def is_active(self) -> bool: ...

    @property
    def region(self) -> ActorRegion | None: ...

    @property
    def region_id(self) -> int | None: ...

    def has_role(self, *roles: str) -> bool: ...


# Whoever may be reading: scoping answers "nothing" for an anonymous visitor or for no one.
Viewer: TypeAlias = "Actor | AnonymousUser | None"


def signed_in_actor(request: HttpRequest | Request) -> Actor:
    """The signed-in user of a view that requires login (``@login_required``, or the API's
    ``IsAuthenticated``); an anonymous request never gets this far, and would be refused."""
    from django.contrib.auth.models import AnonymousUser

    user = request.user
    if isinstance(user, AnonymousUser) or not user.is_authenticated:
        raise PermissionDenied
    return user
