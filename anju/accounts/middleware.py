"""Tell a user whose session ran out why they are back at the login page."""

from __future__ import annotations

import time
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


TOUCHED = "_anju_touched"


class SessionTouchMiddleware:
    """The idle timeout, kept with one session write a minute instead of one a request.

    SESSION_SAVE_EVERY_REQUEST wrote the session row on every request, photos included: a page
    with six photos wrote it seven times at once, which SQLite answers with a lock and Django with
    a 400 (SessionInterrupted). Here a signed-in request marks the session modified only when its
    last write is ANJU_SESSION_TOUCH_SECONDS old, so the session still lives SESSION_COOKIE_AGE
    after the last activity, give or take that interval.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is None or session.modified or user is None or not user.is_authenticated:
            return response
        now = int(time.time())
        if now - int(session.get(TOUCHED, 0)) >= settings.ANJU_SESSION_TOUCH_SECONDS:
            session[TOUCHED] = now
        return response
