"""Test settings: the production settings module with explicit, commented deltas."""

import os
import tempfile

os.environ.setdefault("DEBUG", "True")

from omaolo_portal.settings import *  # noqa: F403
from omaolo_portal.settings import STORAGES

# Each test process (each parallel worker) takes the export slots in a folder of its own, so that
# two test runs on one machine never hold each other's slots.
WORK_SLOTS_DIR = tempfile.mkdtemp(prefix="omaolo-test-slots-")
# A fast hasher: password hashing is not what the tests measure.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# One process, no shared cache needed; the app servers and the worker that
# tests/test_multi_server.py starts share the Redis its CACHE_URL names (the settings'
# CACHES: the fail-soft Redis backend with its timeouts).
if not os.environ.get("CACHE_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Manifest storage needs collectstatic; tests resolve static files from the finders.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
SECURE_SSL_REDIRECT = False
# Background jobs run inline (Django's immediate backend), so a confirmed import is done
# when the confirm answers; tests/test_background_import.py runs the real database queue
# and a real `db_worker` process, which it starts with TASKS_BACKEND set.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django.tasks.backends.immediate.ImmediateBackend"),
        "QUEUES": ["default"],
    }
}
# SQLite: the test database is a file rather than memory, so that the worker and app
# server processes that tests/test_background_import.py and tests/test_multi_server.py
# start can open it too. The root conftest.py names one file per test process.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / ".test-db.sqlite3")}  # noqa: F405
    # Wait for a worker's commit of a national file rather than fail after SQLite's 5 s.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 60  # noqa: F405
    # A test database is thrown away: no waiting for the disk after each commit (the tests that run
    # outside a transaction commit every statement).
    DATABASES["default"]["OPTIONS"]["init_command"] = "PRAGMA synchronous=OFF"  # noqa: F405
