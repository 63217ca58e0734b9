"""Test settings: fresh keys each run, fast hashing, e-mail kept in memory."""

import atexit
import base64
import os
import secrets
import shutil
import tempfile
from pathlib import Path

os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault(
    "OPENNRM_FIELD_KEYS", "test1:" + base64.b64encode(secrets.token_bytes(32)).decode()
)
os.environ.setdefault("OPENNRM_BLIND_INDEX_KEY", base64.b64encode(secrets.token_bytes(32)).decode())
os.environ.setdefault(
    "OPENNRM_AUDIT_KEYS", "audit-test1:" + base64.b64encode(secrets.token_bytes(32)).decode()
)
os.environ.setdefault("OPENNRM_ENV_FILE", "/nonexistent")

from .base import *  # noqa: E402, F403

DEBUG = False
DEMO_MODE = False
INSTALLED_APPS = [*INSTALLED_APPS, *DEVELOPMENT_APPS]  # noqa: F405
# Argon2 is the production hasher (base.py); tests hash hundreds of passwords.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# In memory: each test process its own, emptied before each test (tests/conftest.py).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "stats": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "stats"},
    "jobs": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "jobs"},
}
# Per test process (never through the environment, which xdist workers inherit); tests/conftest.py
# empties it after each test, as each test's database starts anew.
OPENNRM_AUDIT_CHECKPOINT_DIR = Path(tempfile.mkdtemp(prefix="opennrm-audit-"))
atexit.register(shutil.rmtree, OPENNRM_AUDIT_CHECKPOINT_DIR, ignore_errors=True)
