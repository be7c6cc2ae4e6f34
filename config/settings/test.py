"""Tests: the database from DATABASE_URL (SQLite file by default), fast hashing, local memory."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F401

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

# Files written by tests never land in var/: a fresh temporary folder per run.
_TEST_FILES = Path(tempfile.mkdtemp(prefix="huunghi-test-"))
MEDIA_ROOT = _TEST_FILES / "media"
PRIVATE_STORAGE_ROOT = _TEST_FILES / "private"
STATIC_ROOT = _TEST_FILES / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES["private"]["OPTIONS"]["location"] = str(PRIVATE_STORAGE_ROOT)
