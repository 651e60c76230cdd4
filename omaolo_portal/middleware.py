"""Middleware of the portal."""

from http import HTTPStatus

from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.shortcuts import render


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's session middleware, except that a server error leaves the session alone.

    Django never saves a session on a 5xx response, but with `SESSION_SAVE_EVERY_REQUEST`
    it still reads the session's expiry first: when the database is down, that is a second
    wait for the connect timeout (and a second logged error) for a response that is already
    the 503 page.
    """

    def process_response(self, request, response):
        if response.status_code >= 500:
            return response
        return super().process_response(request, response)


class RequestBodyLimitMiddleware:
    """Refuses a request body larger than its limit from the Content-Length, before anything reads it.

    Nothing of the body has been read when this runs: Django parses a form (and spools an
    upload to a temporary file) only when a view or the CSRF check reads `request.POST`,
    which happens after every middleware's request phase. An anonymous request may send at
    most `REQUEST_BODY_ANONYMOUS_MAX_KB` (a login or a language choice is far smaller); a
    signed-in user's at most `REQUEST_BODY_MAX_MB`, above which no upload the portal
    accepts can be (the import and the attachments check their own, smaller limits). A body
    without a Content-Length (chunked) is never read by Django, so it needs no check here;
    the proxy in front bounds it too (docs/deployment.md).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        declared = request.META.get("CONTENT_LENGTH") or "0"
        try:
            body_bytes = int(declared)
        except ValueError:
            body_bytes = 0
        if body_bytes > settings.REQUEST_BODY_ANONYMOUS_MAX_KB * 1024:
            limit = settings.REQUEST_BODY_MAX_MB * 1024 * 1024
            if not request.user.is_authenticated or body_bytes > limit:
                return self._refused(request)
        return self.get_response(request)

    @staticmethod
    def _refused(request):
        response = render(request, "413.html", status=HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        # The body stays unread: the connection cannot carry another request.
        response["Connection"] = "close"
        return response
