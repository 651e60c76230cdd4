"""Public pages cached in Django's cache, and never stale.

Every cached page is keyed by its full path with query string, its language and the
*data version*: one number in the shared cache (`CACHE_URL`: Redis when there are
several app servers), bumped by every save and delete of the apps' models and so by
every applied import, whose batch is saved in the import's own transaction. A change
therefore makes every page cached before it unreachable at once, on every app server,
without deleting any key; the old entries expire by themselves.

The cache is an optimisation, never a dependency: while it is unreachable
(`omaolo_portal.cache_backend`) the data version is unknown and every page is rendered
uncached; a bump lost meanwhile is made up for as soon as the cache answers again.

What is never cached: requests of anyone with a session (a logged-in editor, who may
see a preview), anything but GET and HEAD, responses other than 200, streaming
responses, and responses that set a cookie, carry a CSRF token or a CSP nonce.
"""

import functools
import hashlib
import importlib
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse, QueryDict
from django.urls import URLPattern, URLResolver
from django.utils import translation
from django.utils.encoding import iri_to_uri

from common.reference_rows import data_version_known

DATA_VERSION_KEY = "omaolo:data-version"
PAGE_KEY_PREFIX = "omaolo:page"
VARIANTS_KEY_PREFIX = "omaolo:variants"
# The apps whose rows never show on a public page: saving them does not change the data version.
UNPUBLISHED_APPS = frozenset({"admin", "auth", "axes", "contenttypes", "sessions", "django_tasks_db"})
# Headers a cached response keeps; the rest (CSP, security headers) each response gets anew.
KEPT_HEADERS = ("Content-Type", "Content-Language", "Cache-Control", "Content-Disposition")
_REQUEST_ATTRIBUTE = "_omaolo_data_version"


def data_version() -> int | None:
    """The current data version; starts from the clock when the cache has none (e.g. after a Redis restart).

    Starting from the clock, not from 1, keeps a restarted (or evicted) counter from
    reaching a version whose pages were cached before it was lost. None while the cache
    is unreachable: the page is then neither looked up nor stored.
    """
    version = cache.get(DATA_VERSION_KEY)
    if version is None:
        cache.add(DATA_VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(DATA_VERSION_KEY)
    return version


def data_version_bump() -> None:
    """Make every page cached so far unreachable.

    Bumped at once, so the writing request itself sees the change, and again when the
    transaction commits, so that a page another request cached from the data before the
    commit (under the first bump's version) is not served afterwards.
    """
    _bump()
    transaction.on_commit(_bump)


def _bump() -> None:
    """Never raises: with the cache unreachable the bump is lost, and `cache_reachable_again` makes up for it."""
    try:
        cache.incr(DATA_VERSION_KEY)
    except ValueError:
        cache.add(DATA_VERSION_KEY, time.time_ns(), timeout=None)


def cache_reachable_again(**kwargs) -> None:
    """Signal receiver (omaolo_portal.cache_backend): every bump during the outage was lost, so bump now.

    Sent before the first command after the outage goes through, so no request reads the
    old version and serves a page cached before the data changed.
    """
    _bump()


def request_data_version(request) -> int:
    """The data version, read once per request."""
    if not hasattr(request, _REQUEST_ATTRIBUTE):
        setattr(request, _REQUEST_ATTRIBUTE, data_version())
    return getattr(request, _REQUEST_ATTRIBUTE)


def model_changed(sender, **kwargs) -> None:
    """Signal receiver (post_save, post_delete, m2m_changed): bump the data version for the apps' models."""
    if kwargs.get("raw"):
        return
    action = kwargs.get("action")
    if action is not None and not action.startswith("post_"):
        return
    if sender._meta.app_label in UNPUBLISHED_APPS:
        return
    data_version_bump()


# --- the public page cache -------------------------------------------------------------


def _normalised_query(query: QueryDict, parameters: frozenset[str], *, drop_empty_values: bool) -> QueryDict:
    """The page's own parameters of `query`, in name order, and without empty values if `drop_empty_values`.

    What a client adds beyond them (an unused parameter, `?a=1&b=2` as `?b=2&a=1`,
    `?county=`) makes neither another page nor another cache entry.
    """
    normalised = QueryDict(mutable=True)
    for name in sorted(parameters.intersection(query)):
        values = [value for value in query.getlist(name) if value.strip() or not drop_empty_values]
        if values:
            normalised.setlist(name, values)
    return QueryDict(normalised.urlencode())


def _use_normalised_query(request, parameters: frozenset[str], *, drop_empty_values: bool) -> None:
    """Let the view see only the normalised query, so that the page cached under it is the page it renders."""
    request.GET = _normalised_query(request.GET, parameters, drop_empty_values=drop_empty_values)
    request.META["QUERY_STRING"] = request.GET.urlencode()


def _path_hash(text: str) -> str:
    # Hashed: a long query string must not make a key some cache backends refuse (250 characters).
    return hashlib.sha256(iri_to_uri(text).encode()).hexdigest()


def _page_key(request) -> str:
    language = translation.get_language() or ""
    path = _path_hash(request.get_full_path())
    return f"{PAGE_KEY_PREFIX}:{request_data_version(request)}:{language}:{request.method}:{path}"


def _has_session(request) -> bool:
    """A session cookie counts only when its session exists: a made-up `sessionid=x` does not skip the cache."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    session = request.session
    # Reading the session loads it; a key that the store does not know becomes None.
    session.keys()
    return session.session_key is not None


def _may_use_cache(request) -> bool:
    """Anonymous GET or HEAD without a session: a logged-in editor's page (a preview) must never be shared."""
    return (
        request.method in ("GET", "HEAD")
        and settings.PUBLIC_PAGE_CACHE_SECONDS > 0
        and not getattr(getattr(request, "user", None), "is_authenticated", False)
        and not _has_session(request)
    )


def _may_store(request, response) -> bool:
    """A 200 answer that is the same for every anonymous visitor: no cookie, CSRF token, CSP nonce or session.

    An answer marked `Cache-Control: no-store` (the API's routes that apply "now") is never stored.
    """
    session = getattr(request, "session", None)
    return (
        response.status_code == 200
        and "no-store" not in response.get("Cache-Control", "")
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not getattr(request, "_csp_nonce", None)
        and not (session is not None and (session.modified or session.session_key))
    )


def _one_more_variant(request) -> bool:
    """Count a stored variant of this path under this data version; False past PUBLIC_PAGE_CACHE_VARIANTS.

    Past the cap a page is still answered, only not stored: a client cycling through
    valid parameter values cannot grow the cache beyond the cap per page.
    """
    key = f"{VARIANTS_KEY_PREFIX}:{request_data_version(request)}:{_path_hash(request.path)}"
    cache.add(key, 0, timeout=settings.PUBLIC_PAGE_CACHE_SECONDS)
    try:
        return cache.incr(key) <= settings.PUBLIC_PAGE_CACHE_VARIANTS
    except ValueError:
        return False


def _stored(response) -> tuple[bytes, int, list[tuple[str, str]]]:
    headers = [(name, response[name]) for name in KEPT_HEADERS if response.has_header(name)]
    return response.content, response.status_code, headers


def _restored(entry) -> HttpResponse:
    content, status, headers = entry
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    return response


def cached_public_page(view, *, parameters=(), drop_empty_values=True):
    """Serve an anonymous visitor's GET from the page cache, keyed by path, language and data version.

    `parameters` names the query parameters the view reads (or is a function that returns
    them, asked at the first request); for GET and HEAD every other one is dropped and the
    query normalised (`_normalised_query`) before the view or the cache sees it. Empty
    values are dropped too, unless the view refuses them itself (`drop_empty_values=False`:
    a refusal is never stored).
    """

    @functools.cache
    def known_parameters() -> frozenset[str]:
        return frozenset(parameters() if callable(parameters) else parameters)

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method in ("GET", "HEAD"):
            _use_normalised_query(request, known_parameters(), drop_empty_values=drop_empty_values)
        if not _may_use_cache(request) or request_data_version(request) is None:
            return view(request, *args, **kwargs)
        key = _page_key(request)
        entry = cache.get(key)
        if entry is not None:
            return _restored(entry)
        # The counties, contents and metrics a page reads change only with the data version.
        with data_version_known(request_data_version(request)):
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render) and not response.is_rendered:
                response = response.render()
        if _may_store(request, response) and _one_more_variant(request):
            cache.set(key, _stored(response), timeout=settings.PUBLIC_PAGE_CACHE_SECONDS)
        return response

    wrapper.public_page_cached = True
    return wrapper


def cached_urls(urlconf, *, parameters=None, drop_empty_values=True):
    """The URL patterns of `urlconf` with every view wrapped in `cached_public_page`.

    Lets the project cache the apps' public pages without touching their view modules:
    `path("", include(cached_urls("metrics.urls", parameters={"statistics": [...]})))`.
    `urlconf` is a module path, or an include tuple (patterns, app_name, namespace) such as
    django-ninja's `api.urls`; the app name and namespace are kept. `parameters` gives each
    URL name's query parameters: a mapping, or a function of the name (asked at the first
    request); a name it does not give reads none. `drop_empty_values` as for `cached_public_page`.
    """
    if parameters is None:
        parameters = {}
    if isinstance(urlconf, str):
        module = importlib.import_module(urlconf)
        patterns, app_name, namespace = module.urlpatterns, getattr(module, "app_name", None), None
    else:
        patterns, app_name, namespace = urlconf
    patterns = [_wrapped(entry, parameters, drop_empty_values) for entry in patterns]
    if namespace:
        return patterns, app_name, namespace
    return (patterns, app_name) if app_name else patterns


def _wrapped(entry, parameters, drop_empty_values):
    if isinstance(entry, URLResolver):
        return URLResolver(
            entry.pattern,
            [_wrapped(child, parameters, drop_empty_values) for child in entry.url_patterns],
            entry.default_kwargs,
            entry.app_name,
            entry.namespace,
        )
    assert isinstance(entry, URLPattern)
    names = functools.partial(parameters, entry.name) if callable(parameters) else parameters.get(entry.name, ())
    view = cached_public_page(entry.callback, parameters=names, drop_empty_values=drop_empty_values)
    return URLPattern(entry.pattern, view, entry.default_args, entry.name)
