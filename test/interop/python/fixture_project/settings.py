"""Settings of the interop fixture server (test only; every secret is a fixed test value).

Environment knobs (set by record.py):
  FIXTURE_DB          path of the sqlite file (recreated per recording run)
  FIXTURE_VARIANT     "primary" (default) or "stock"
      primary: DEBUG=False, no global CsrfViewMiddleware -> the adapter's own
               csrf_protect / token-header logic decides (what a TS server mirrors)
      stock:   DEBUG=True plus Django's default CsrfViewMiddleware (startproject
               defaults) -> used for a few "variant-*" golden cases
"""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
VARIANT = os.environ.get("FIXTURE_VARIANT", "primary")

SECRET_KEY = "interop-fixture-django-secret-key-not-for-production"
DEBUG = VARIANT == "stock"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "daphne",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "channels",
    "izana",
    "fixture_app",
]

MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
]
if VARIANT == "stock":
    MIDDLEWARE.append("django.middleware.csrf.CsrfViewMiddleware")
MIDDLEWARE.append("django.contrib.auth.middleware.AuthenticationMiddleware")

ROOT_URLCONF = "fixture_project.urls"
ASGI_APPLICATION = "fixture_project.asgi.application"
TEMPLATES = []

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("FIXTURE_DB", str(BASE_DIR / "fixture.sqlite3")),
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
USE_TZ = True
TIME_ZONE = "UTC"

CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# Izana settings (names as read by izana.setup.settings / izana.jwt.settings)
IZANA_MWT_SECRET = "interop-mwt-secret-0123456789abcdef"
IZANA_MWT_TTL = 300
IZANA_CACHE_SECRET = "interop-cache-secret-0123456789abcdef"
IZANA_CACHE_REDIS_URL = os.environ.get("FIXTURE_REDIS_URL", "redis://127.0.0.1:6379/15")
# Legacy JWT (Authorization: Bearer) support, HS256
JWT_PRIVATE_KEY = "interop-legacy-jwt-key-0123456789abcdef"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"null": {"class": "logging.NullHandler"}},
    "loggers": {
        "izana": {"handlers": ["null"], "level": "CRITICAL", "propagate": False},
        "izana.client.executor": {"handlers": ["null"], "level": "CRITICAL", "propagate": False},
        "django.request": {"handlers": ["null"], "level": "CRITICAL", "propagate": False},
        "django.security.csrf": {"handlers": ["null"], "level": "CRITICAL", "propagate": False},
    },
}
