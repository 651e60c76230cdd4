"""The server error page, which answers 503 when the database is unreachable.

Django hands every exception that nothing else handled (in a view, in a template, in any
middleware such as the session middleware reading or saving a database session) to
`handler500` while the exception is still being handled, so this one place can tell a
database outage from a bug. Django has already logged it once (`django.request`), and it
closes the failed connection when the request ends, so the next request connects afresh
and the site recovers by itself when the database is back.
"""

import sys
from http import HTTPStatus

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers

# Unreachable, restarting, a statement over the timeout, a deadlock: worth trying again.
DATABASE_UNAVAILABLE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def database_unavailable_response():
    """503 with Retry-After and the static three-language page: it needs no database."""
    response = HttpResponse(
        loader.get_template("503.html").render(),
        status=HTTPStatus.SERVICE_UNAVAILABLE,
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def server_error(request):
    """`handler500`: 503 for a database outage, else the static 500 page; never a stack trace."""
    if isinstance(sys.exception(), DATABASE_UNAVAILABLE_ERRORS):
        return database_unavailable_response()
    response = HttpResponse(loader.get_template("500.html").render(), status=HTTPStatus.INTERNAL_SERVER_ERROR)
    add_never_cache_headers(response)
    return response
