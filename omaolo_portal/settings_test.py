"""Test settings: the production settings module with explicit, commented deltas."""

import os

os.environ.setdefault("DEBUG", "True")

from omaolo_portal.settings import *  # noqa: F403
from omaolo_portal.settings import STORAGES

# A fast hasher: password hashing is not what the tests measure.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# One process, no shared cache needed.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Manifest storage needs collectstatic; tests resolve static files from the finders.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
SECURE_SSL_REDIRECT = False
