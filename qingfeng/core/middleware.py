"""Idle session expiry without a database write on every request."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

_TOUCHED = "_qf_touched"


class SessionRefreshMiddleware:
    """Slide the session's idle expiry (``SESSION_COOKIE_AGE``) forward at most once a
    minute (``SESSION_REFRESH_SECONDS``).

    ``SESSION_SAVE_EVERY_REQUEST`` would rewrite the session row on every page view, which
    costs more than the page's own queries on a busy server; the idle limit is still met
    to within the refresh interval.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and session.session_key:
            now = int(time.time())
            if now - int(session.get(_TOUCHED, 0)) >= settings.SESSION_REFRESH_SECONDS:
                session[_TOUCHED] = now
        return self.get_response(request)
