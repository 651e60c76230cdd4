"""Settings for the Omaolo rollout portal, read from the environment.

Every value comes from an environment variable (or a `.env` file in the project
root, when present) through django-environ. The defaults make a development site
on SQLite; production sets `DEBUG=False`, which turns on the secure defaults and
refuses to start without a real `SECRET_KEY` and `ALLOWED_HOSTS`.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)

DEVELOPMENT_SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105 (used only with DEBUG on)
SECRET_KEY = env.str("SECRET_KEY", default=DEVELOPMENT_SECRET_KEY if DEBUG else "")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

if not DEBUG:
    if not SECRET_KEY or SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("Set SECRET_KEY to a random string of at least 50 characters when DEBUG is off.")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("Set ALLOWED_HOSTS (comma-separated host names) when DEBUG is off.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # whitenoise docs: keep runserver from serving static files itself, so that
    # development serves them the way production does.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Full-text search on PostgreSQL; harmless on SQLite, where the search falls back (processes.search).
    "django.contrib.postgres",
    "django_filters",
    "import_export",
    "simple_history",
    # django-ninja: in INSTALLED_APPS its docs page loads Swagger UI from our own static
    # files instead of a CDN, which the Content Security Policy forbids.
    "ninja",
    "regions",
    "processes",
    "plans",
    "metrics",
    "routing",
    "followup",
    "api",
    "axes",
    "django_tasks_db",
    # The project layer: pages and commands that compose the apps (home, county page, demo data).
    "omaolo_portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files and the health check answer here, before any middleware that may
    # read the session or otherwise touch the database.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "omaolo_portal.health.HealthCheckMiddleware",
    "omaolo_portal.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before any view or the CSRF check reads the body: an oversized one is refused unread.
    "omaolo_portal.middleware.RequestBodyLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # django-axes: last, so that it turns a lockout flagged during the login into its page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "omaolo_portal.urls"
WSGI_APPLICATION = "omaolo_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Persistent connections for gunicorn sync workers; the health check drops a
    # connection that the database or a pooler closed while the worker was idle.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

    # --- Fail fast: a database that does not answer must not hold a worker -------------
    # libpq's connect_timeout bounds connecting; the server cancels any statement running
    # longer than statement_timeout (0 turns it off, e.g. for a long one-off command).
    # Values given in DATABASE_URL's query string win.
    # JIT off: the pages' grouped queries over a national table cost more than jit_above_cost,
    # and compiling them took longer (17 ms) than running them (11 ms); no query here runs
    # long enough to win it back (README, "Statistics and county pages on a national table").
    postgresql_options = DATABASES["default"].setdefault("OPTIONS", {})
    postgresql_options.setdefault("connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5))
    postgresql_options["options"] = " ".join(
        filter(
            None,
            [
                f"-c statement_timeout={env.int('DATABASE_STATEMENT_TIMEOUT', default=30000)}",
                "-c jit=off",
                postgresql_options.get("options", ""),
            ],
        )
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ---------------------------------------------------------------------------
# Local memory by default; with several app servers CACHE_URL names the shared Redis
# (redis://host:6379/1), which the public page cache and its data version need to be
# the same on every server (omaolo_portal/caching.py).
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
REDIS_CACHE_BACKEND = "django.core.cache.backends.redis.RedisCache"
if CACHES["default"]["BACKEND"] == REDIS_CACHE_BACKEND:
    # The cache is an optimisation, never a dependency: a Redis that is down or hung answers
    # as an empty cache within these timeouts (seconds), and this process then leaves it alone
    # for CACHE_RETRY_SECONDS (omaolo_portal/cache_backend.py; docs/deployment.md). Options
    # given in CACHE_URL's query string win.
    CACHES["default"]["BACKEND"] = "omaolo_portal.cache_backend.FailSoftRedisCache"
    cache_options = CACHES["default"].setdefault("OPTIONS", {})
    cache_options.setdefault("socket_connect_timeout", env.float("CACHE_CONNECT_TIMEOUT", default=0.25))
    cache_options.setdefault("socket_timeout", env.float("CACHE_SOCKET_TIMEOUT", default=0.25))
    cache_options.setdefault("retry_seconds", env.float("CACHE_RETRY_SECONDS", default=5))
    cache_options.setdefault("log_seconds", env.float("CACHE_ERROR_LOG_SECONDS", default=60))
# How long an anonymous visitor's page stays cached; any change of the data makes it
# unreachable at once (the data version), so this bounds only the memory used. 0 turns it off.
PUBLIC_PAGE_CACHE_SECONDS = env.int("PUBLIC_PAGE_CACHE_SECONDS", default=600)
# At most this many variants (query strings, languages) of one page are stored per data
# version; past it a page is answered uncached, so a client cannot grow the cache without bound.
PUBLIC_PAGE_CACHE_VARIANTS = env.int("PUBLIC_PAGE_CACHE_VARIANTS", default=100)
# --------------------------------------------------------------------------------------

# --- Login throttling (django-axes) and idle sessions ---------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# A user is locked out from one address only: a wrong password typed five times from
# elsewhere cannot lock a county's main user out of their own office.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
# The lockout lasts its cool-off from the last counted failure; attempts during it do not prolong it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "omaolo_portal.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "omaolo_portal.lockout.client_ip_address"
# How many reverse proxies (load balancer, nginx) append to X-Forwarded-For in front of
# the app servers: the client address is that many entries from its right end. 0 trusts
# no header and takes the TCP peer's address.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# Failed attempts are counted in the database, never in the cache: a Redis outage or an
# eviction under maxmemory must not lift a lockout, and a login needs the database anyway
# (docs/decisions.md, "Login throttling counts in the database").
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
# The lockout needs only the attempts, which expire with the cool-off; no row per login.
AXES_DISABLE_ACCESS_LOG = True
# Lockouts are lifted with `manage.py axes_reset_ip_username`, not in the admin.
AXES_ENABLE_ADMIN = False
# No start-up banner on stderr from every management command.
AXES_VERBOSE = False

# A session ends after this many minutes without a request; every request renews it.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_TIMEOUT_MINUTES", default=30) * 60
SESSION_SAVE_EVERY_REQUEST = True
# --------------------------------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fi"
LANGUAGES = [("fi", _("Finnish")), ("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Helsinki")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    # Uploaded attachments; for several app servers point it at shared storage (README: Attachments).
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# The largest file an editor may attach to a process description.
ATTACHMENT_MAX_MB = env.int("ATTACHMENT_MAX_MB", default=20)

LOGIN_URL = "admin:login"

# django-import-export: imports need a real permission, and temporary files live in
# the shared cache (several app servers). Exports cannot carry formulae because every
# resource escapes its cells with common.spreadsheet.spreadsheet_safe; the library's own
# escaping is off: it strips only a leading "=" and turns every XLSX cell into text
# (an empty population exports as "None" and no longer imports back).
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_TMP_STORAGE_CLASS = "import_export.tmp_storages.CacheStorage"
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False
IMPORT_EXPORT_USE_TRANSACTIONS = True

# --- Background jobs (Django's tasks framework) ---------------------------------------
# django-tasks-db keeps the queue in the database every app server already shares;
# `manage.py db_worker` runs the jobs, on any number of machines (README, "Deployment").
TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# --------------------------------------------------------------------------------------

# Usage statistics import limits (metrics/importing/importer.py; README, "Configuration"). The
# admin's upload stops reading a request body past the size limit.
# 64 MB holds a national file of a million rows (about 60 MB of CSV): the confirmed import
# runs in a background worker, not in the request.
USAGE_IMPORT_MAX_UPLOAD_MB = env.int("USAGE_IMPORT_MAX_UPLOAD_MB", default=64)
# A file larger than this (megabytes) is checked by a task worker, not inside the admin's
# request: the editor follows the check on a page of its own, then sees the same preview.
USAGE_IMPORT_BACKGROUND_CHECK_MB = env.float("USAGE_IMPORT_BACKGROUND_CHECK_MB", default=2)
USAGE_IMPORT_MAX_ROWS = env.int("USAGE_IMPORT_MAX_ROWS", default=2_000_000)
USAGE_IMPORT_MAX_COLUMNS = env.int("USAGE_IMPORT_MAX_COLUMNS", default=50)
# Files one user may have waiting at once (previews to confirm, checks, queued or running
# imports); another upload is refused with a message until one is done.
USAGE_IMPORT_MAX_WAITING_PER_USER = env.int("USAGE_IMPORT_MAX_WAITING_PER_USER", default=3)
# PostgreSQL: an import's own transaction may run its statements this long (milliseconds),
# whatever DATABASE_STATEMENT_TIMEOUT says for page queries; 0 means no limit.
USAGE_IMPORT_STATEMENT_TIMEOUT_MS = env.int("USAGE_IMPORT_STATEMENT_TIMEOUT_MS", default=10 * 60 * 1000)

# Public CSV exports of more rows than an Excel file may hold that one app server streams at
# once (its gunicorn workers share the slots); another gets 503 with Retry-After.
PUBLIC_LARGE_EXPORTS_AT_ONCE = env.int("PUBLIC_LARGE_EXPORTS_AT_ONCE", default=1)
# The folder of those slots' lock files (common/slots.py): the system's temporary folder unless
# set; every worker of one app server must see the same folder.
WORK_SLOTS_DIR = env.str("WORK_SLOTS_DIR", default="") or None

# --- Request bodies (omaolo_portal.middleware.RequestBodyLimitMiddleware) --------------
# Refused with 413 from the Content-Length before any byte is read: an anonymous request
# larger than this (kilobytes; a login form is under 1 KB), and any request larger than
# REQUEST_BODY_MAX_MB (the statistics import's limit plus room for the form around it).
REQUEST_BODY_ANONYMOUS_MAX_KB = env.int("REQUEST_BODY_ANONYMOUS_MAX_KB", default=64)
REQUEST_BODY_MAX_MB = env.int("REQUEST_BODY_MAX_MB", default=USAGE_IMPORT_MAX_UPLOAD_MB + 16)
# Django's own limits, stated: form fields other than files at most 2.5 MB in memory, at
# most 1,000 fields and 100 files a request (Django's defaults); a file over 2.5 MB is spooled to disk.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1_000
DATA_UPLOAD_MAX_NUMBER_FILES = 100
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# --------------------------------------------------------------------------------------

# Django 6 built-in Content Security Policy: no inline scripts, no third parties.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# --- Health check and database outages -----------------------------------------------
# /healthz answers a load balancer over plain HTTP, and whatever its Host header says.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Seconds each /healthz check (database, cache) may take before it counts as failed.
HEALTH_CHECK_TIMEOUT = env.float("HEALTH_CHECK_TIMEOUT", default=3)
# --------------------------------------------------------------------------------------

# --- Email (the usage_alerts command's --notify, the review's notifications, the alerts' links) ---
# EMAIL_URL in production, e.g. smtp+tls://user:password@smtp.example.fi:587; development
# prints the messages on the console. Django 6.1's MAILERS replaces the EMAIL_* settings;
# tests get the locmem backend from Django's test set-up.
email_config = env.email_url("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25")
MAILERS = {"default": {"BACKEND": email_config["EMAIL_BACKEND"]}}
if email_config["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend":
    MAILERS["default"]["OPTIONS"] = {
        "host": email_config["EMAIL_HOST"],
        "port": email_config["EMAIL_PORT"],
        "username": email_config["EMAIL_HOST_USER"],
        "password": email_config["EMAIL_HOST_PASSWORD"],
        "use_tls": email_config.get("EMAIL_USE_TLS", False),
        "use_ssl": email_config.get("EMAIL_USE_SSL", False),
        "timeout": env.int("EMAIL_TIMEOUT", default=10),
    }
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Omaolo <noreply@localhost>")
# The portal's own address, for the links in emails (the review's notifications, the usage alerts), e.g.
# https://kayttoonotto.omaolo.fi; by default the first of ALLOWED_HOSTS over HTTPS.
SITE_URL = env.str(
    "SITE_URL", default="http://127.0.0.1:8000" if DEBUG else f"https://{ALLOWED_HOSTS[0].lstrip('.')}"
).rstrip("/")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# --------------------------------------------------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # Behind a TLS-terminating proxy or load balancer that sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
