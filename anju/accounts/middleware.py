"""Tell a user whose session ran out why they are back at the login page."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class SessionExpiryMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        had_cookie = settings.SESSION_COOKIE_NAME in request.COOKIES
        # Loading the user loads the session; an unknown or expired key leaves
        # the session without a key.
        request.session_expired = (  # type: ignore[attr-defined]  # django-stubs: HttpRequest has no session_expired; this middleware adds it for the login page
            had_cookie
            and not request.user.is_authenticated
            and request.session.session_key is None
            and not request.path.startswith(
                settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/" + settings.STATIC_URL
            )
        )
        return self.get_response(request)
