"""The signed-in user of a view, typed as ``User``.

django-stubs and drf-stubs type ``request.user`` as ``User | AnonymousUser``. Every view that
acts requires login (``@login_required`` on pages, ``IsAuthenticated`` in the API), so the user
is always a ``User`` there; ``signed_in_user(request)`` says so once, in a way mypy checks,
instead of an ignore at each use. Apps below ``accounts`` use ``anju.core.actors``.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from rest_framework.request import Request

from anju.accounts.models import User


def signed_in_user(request: HttpRequest | Request) -> User:
    """The request's user; an anonymous request never gets this far, and would be refused."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user
