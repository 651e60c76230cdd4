"""Middleware of the portal."""

from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware


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
