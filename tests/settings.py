"""Test settings: the real settings, with a throw-away secret and fast, plain storage."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "insecure-key-for-tests-only")

from chapter.settings import *  # noqa: F403

# The manifest storage needs collectstatic; tests serve files straight from the finders.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "scans": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SECURE_SSL_REDIRECT = False
