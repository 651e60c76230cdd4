"""Login throttling with django-axes: the client's address and the lockout page.

After `AXES_FAILURE_LIMIT` wrong passwords for one username from one address, logging in
as that user from that address is refused for `AXES_COOLOFF_TIME`, even with the right
password; other users and other addresses are not affected.
"""

from http import HTTPStatus

from django.conf import settings
from django.contrib import admin
from django.shortcuts import render
from django.utils.translation import ngettext_lazy

LOCKOUT_MESSAGE = ngettext_lazy(
    "Too many failed login attempts. Logging in as this user from your address is blocked for %(minutes)d minute.",
    "Too many failed login attempts. Logging in as this user from your address is blocked for %(minutes)d minutes.",
    "minutes",
)


def client_ip_address(request):
    """The client's address: `TRUSTED_PROXY_COUNT` entries from the right of X-Forwarded-For, else the TCP peer's."""
    proxy_count = settings.TRUSTED_PROXY_COUNT
    if proxy_count:
        forwarded = [address.strip() for address in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [address for address in forwarded if address]
        if len(forwarded) >= proxy_count:
            return forwarded[-proxy_count]
    return request.META.get("REMOTE_ADDR")


def lockout_response(request, original_response, credentials):
    """`AXES_LOCKOUT_CALLABLE`: the admin's lockout page, 429 Too Many Requests with Retry-After."""
    cool_off_seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    minutes = cool_off_seconds // 60
    context = {
        **admin.site.each_context(request),
        "lockout_message": LOCKOUT_MESSAGE % {"minutes": minutes},
    }
    response = render(request, "axes/lockout.html", context, status=HTTPStatus.TOO_MANY_REQUESTS)
    response["Retry-After"] = str(cool_off_seconds)
    return response
